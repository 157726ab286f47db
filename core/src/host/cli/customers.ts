// CLI commands of the customers area.
import type { Command } from 'commander';

export function registerCustomersCommands(_program: Command): void {}
