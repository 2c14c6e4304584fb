import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../cli/main.ts';

function allCommands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(allCommands)];
}

describe('switchboard CLI', () => {
  it('has a description and --help on every command', () => {
    for (const cmd of allCommands(buildProgram())) {
      expect(cmd.description(), `command ${cmd.name()}`).not.toBe('');
      expect(cmd.helpInformation()).toContain('-h, --help');
    }
  });
});
