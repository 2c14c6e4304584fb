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

  it('refuses a bad --coalesce-ms, naming the flag', async () => {
    const program = buildProgram().exitOverride();
    const server = program.commands.find((c) => c.name() === 'server')!;
    server.exitOverride().configureOutput({ writeErr: () => {} });
    await expect(program.parseAsync(['node', 'switchboard', 'server', '--coalesce-ms', 'soon'])).rejects.toThrow(/--coalesce-ms: expected milliseconds/);
  });
});
