import { parse } from 'yaml';

interface ActionYaml {
  inputs?: Record<string, { description?: string; default?: string; required?: boolean }>;
  outputs?: Record<string, { description?: string }>;
}

const cell = (text: string) =>
  text
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
    .trim();

/** The README's tables of the action's inputs and outputs, from action.yml itself. */
export function actionTables(actionYaml: string): { inputs: string; outputs: string } {
  const action = parse(actionYaml) as ActionYaml;
  const inputs = Object.entries(action.inputs ?? {}).map(
    ([name, i]) =>
      `| \`${name}\` | ${i.required ? 'yes' : ''} | ${i.default !== undefined && i.default !== '' ? `\`${cell(String(i.default))}\`` : ''} | ${cell(i.description ?? '')} |`,
  );
  const outputs = Object.entries(action.outputs ?? {}).map(([name, o]) => `| \`${name}\` | ${cell(o.description ?? '')} |`);
  return {
    inputs: ['| input | required | default | description |', '| --- | --- | --- | --- |', ...inputs].join('\n'),
    outputs: ['| output | description |', '| --- | --- |', ...outputs].join('\n'),
  };
}

/** `text` with what lies between `<!-- name:start -->` and `<!-- name:end -->` replaced by `content`. */
export function replaceBetweenMarkers(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md lacks the ${start} … ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}
