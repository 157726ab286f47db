// Recently opened workspaces, newest first, kept in the user data folder.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MAX_RECENT = 8;

export class RecentWorkspaces {
  private readonly file: string;

  constructor(userData: string) {
    this.file = join(userData, 'recent-workspaces.json');
  }

  list(): string[] {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
    } catch {
      return [];
    }
  }

  add(path: string): string[] {
    const next = [path, ...this.list().filter((item) => item !== path)].slice(0, MAX_RECENT);
    writeFileSync(this.file, JSON.stringify(next, null, 2));
    return next;
  }
}
