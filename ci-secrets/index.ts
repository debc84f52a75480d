export { CiSecretsError, OUTPUT_FORMATS, type OutputFormat, parseOutputs, parseSelection, select, type Selection } from './outputs';
export { publishToGitHub, publishToGitLab, redact, type GitHubTarget, type GitLabTarget } from './publish';
export { dotenv, kubernetesSecret, type Secret } from './render';
export { writePrivate } from './write-private';
