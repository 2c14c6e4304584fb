/** `switchboard validate`: checks config files in CI the way the server would check them, and renders every proxy they define. */
import { Command, Option } from 'commander';
import { CLASSIFICATION_RULE, formatProblem } from './config-files.ts';
import { checkConfigPaths, summaryLine, type OfflineCheckReport } from './offline-check.ts';
import { addRenderCommand } from './render.ts';

interface ValidateFlags {
  format: 'text' | 'json';
  datacenter: string;
  defaultIntentionPolicy: 'allow' | 'deny';
}

const VALIDATE_HELP = `
What is read:
  Files ending in .json, .yaml or .yml (directories are walked recursively;
  files named on the command line are read whatever their extension). A file
  holds one object or a list of objects (YAML: also several documents).
  ${CLASSIFICATION_RULE}

What is checked:
  Every config entry, intention and service definition with the same rules
  the HTTP API applies on write; the entries as a set (protocols, subsets,
  redirect and splitter loops) and the discovery chain of every service they
  name; then the service definitions are registered in a throwaway in-memory
  store with a throwaway CA, and the Envoy resources of every sidecar
  (node.id <service-id>-sidecar-proxy) and of every Connect-native service
  (proxyless gRPC: its server listener, and a client listener for every mesh
  service) are built and checked against Envoy's protos and validation rules.

Output:
  One line per problem, "file: entry: field: message", and exit status 1;
  or a one-line summary and exit status 0. --format json prints
  {"ok", "problems": [{"file","entry","field","message"}], "summary"}.
`;

/** The JSON document `--format json` prints. */
export function reportJson(r: OfflineCheckReport): Record<string, unknown> {
  return {
    ok: r.problems.length === 0,
    problems: r.problems,
    summary: {
      files: r.files,
      configEntries: r.configEntries,
      intentions: r.intentions,
      services: r.services,
      discoveryChains: r.chains,
      proxies: r.proxies,
      resources: r.resources,
    },
  };
}

/** Adds `validate` and `render` to the program. */
export function addValidateCommands(program: Command): void {
  program
    .command('validate')
    .description('check config entries, intentions and service definitions (and the Envoy config they make) before they reach a server')
    .argument('<paths...>', 'files or directories')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--datacenter <name>', 'datacenter the chains and identities are made for', 'dc1')
    .addOption(
      new Option('--default-intention-policy <policy>', 'the default intention policy proxies are rendered with').choices(['allow', 'deny']).default('deny'),
    )
    .addHelpText('after', VALIDATE_HELP)
    .action(async (paths: string[], o: ValidateFlags) => {
      const report = await checkConfigPaths(paths, { datacenter: o.datacenter, defaultAllow: o.defaultIntentionPolicy === 'allow' });
      if (o.format === 'json') process.stdout.write(`${JSON.stringify(reportJson(report), null, 2)}\n`);
      else if (report.problems.length > 0) {
        process.stdout.write(report.problems.map((p) => `${formatProblem(p)}\n`).join(''));
        process.stderr.write(`${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} found; ${summaryLine(report)}\n`);
      } else process.stdout.write(`ok: ${summaryLine(report)}\n`);
      if (report.problems.length > 0) process.exitCode = 1;
    });
  addRenderCommand(program);
}
