// CLI commands of the reasons area.
import type { Command } from 'commander';

export function registerReasonsCommands(_program: Command): void {}
