import { envAliases, listSettings, type SettingInfo } from './keys.js';

function formatValue(value: unknown): string {
  return typeof value === 'string' || Array.isArray(value) ? JSON.stringify(value) : String(value);
}

export function settingsAsYaml(settings: SettingInfo[] = listSettings()): string {
  const lines = ['# nblaunch defaults. Every key can be overridden by the environment variable named', '# in its comment, or by a YAML file named in NBLAUNCH_CONFIG.'];
  let section = '';
  for (const setting of settings) {
    const indent = setting.path.length > 1 ? '  ' : '';
    const head = setting.path.length > 1 ? setting.path[0]! : '';
    if (head !== section && head) lines.push(`${head}:`);
    section = head;
    lines.push(`${indent}# ${setting.help} (${setting.env})`);
    lines.push(`${indent}${setting.path[setting.path.length - 1]}: ${formatValue(setting.defaultValue)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function settingsAsMarkdown(settings: SettingInfo[] = listSettings()): string {
  const rows = settings.map((setting) => {
    const alias = envAliases[setting.key];
    const env = alias ? `\`${setting.env}\`, \`${alias}\`` : `\`${setting.env}\``;
    return `| \`${setting.key}\` | ${env} | \`${formatValue(setting.defaultValue)}\` | ${setting.help} |`;
  });
  return ['| key | environment | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  console.log(process.argv[2] === 'markdown' ? settingsAsMarkdown() : settingsAsYaml());
}
