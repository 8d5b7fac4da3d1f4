// Defaults every entry point shares (the CLI's option defaults, the action's inputs, the
// deployment's environment, the stores), so that each is written once. action.yml repeats
// them for GitHub's input documentation.

/** The branch a feed's manifest, icons and users live on, unless told otherwise. */
export const DEFAULT_BRANCH = 'updateforge';

/** The feed configuration's file name (`--config`, the action's `config` input), unless told otherwise. */
export const CONFIG_FILE_NAME = 'updateforge.json';
