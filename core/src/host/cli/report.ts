// CLI commands of the report area.
import type { Command } from 'commander';

export function registerReportCommands(_program: Command): void {}
