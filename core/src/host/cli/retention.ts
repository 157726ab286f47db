// CLI commands of the retention area.
import type { Command } from 'commander';

export function registerRetentionCommands(_program: Command): void {}
