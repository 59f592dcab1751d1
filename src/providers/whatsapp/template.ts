/**
 * RoomKit's `TemplateContent` (`templateId`, `language`, `parameters: Record<string,string>`) as a
 * Cloud API `template` object. Parameter keys decide the component:
 * - `"1"`, `"2"`… or `"body.1"` ⇒ positional body parameters, in numeric order;
 * - `"first_name"` or `"body.first_name"` ⇒ named body parameters (`parameter_name`);
 * - `"header.1"` / `"header.name"` ⇒ header text parameters;
 * - `"button.0"` ⇒ the dynamic suffix of URL button 0.
 * For media headers, currencies, quick-reply payloads… pass `components` to `sendTemplate` directly.
 */
import type { TemplateContent } from '../../models/index.js';

export interface WhatsAppTemplateParameter {
  type: string;
  text?: string;
  parameter_name?: string;
  [key: string]: unknown;
}

export interface WhatsAppTemplateComponent {
  type: 'header' | 'body' | 'button' | string;
  sub_type?: string;
  index?: string;
  parameters: WhatsAppTemplateParameter[];
}

/** What `sendTemplate` takes: the approved template's name, locale and filled components. */
export interface WhatsAppTemplate {
  name: string;
  language?: string;
  components?: WhatsAppTemplateComponent[];
}

const numeric = (key: string) => /^\d+$/.test(key);

function textParameters(entries: [string, string][]): WhatsAppTemplateParameter[] {
  const positional = entries.filter(([k]) => numeric(k)).sort(([a], [b]) => Number(a) - Number(b));
  const named = entries.filter(([k]) => !numeric(k));
  return [
    ...positional.map(([, text]) => ({ type: 'text', text })),
    ...named.map(([name, text]) => ({ type: 'text', parameter_name: name, text })),
  ];
}

/** The components implied by `parameters` (see the file comment for the key convention). */
export function componentsFromParameters(parameters: Record<string, string> = {}): WhatsAppTemplateComponent[] {
  const header: [string, string][] = [];
  const body: [string, string][] = [];
  const buttons: [string, string][] = [];
  for (const [key, value] of Object.entries(parameters)) {
    const dot = key.indexOf('.');
    const scope = dot > 0 ? key.slice(0, dot) : 'body';
    const name = dot > 0 ? key.slice(dot + 1) : key;
    if (scope === 'header') header.push([name, value]);
    else if (scope === 'button') buttons.push([name, value]);
    else if (scope === 'body') body.push([name, value]);
    else body.push([key, value]);
  }
  const components: WhatsAppTemplateComponent[] = [];
  if (header.length) components.push({ type: 'header', parameters: textParameters(header) });
  if (body.length) components.push({ type: 'body', parameters: textParameters(body) });
  for (const [index, text] of buttons.sort(([a], [b]) => Number(a) - Number(b))) {
    components.push({ type: 'button', sub_type: 'url', index, parameters: [{ type: 'text', text }] });
  }
  return components;
}

export function templateFromContent(content: TemplateContent): WhatsAppTemplate {
  return {
    name: content.templateId,
    ...(content.language && { language: content.language }),
    components: componentsFromParameters(content.parameters),
  };
}

/** The `template` field of a Cloud API message. */
export function templateBody(template: WhatsAppTemplate, defaultLanguage: string): Record<string, unknown> {
  return {
    type: 'template',
    template: {
      name: template.name,
      language: { code: template.language ?? defaultLanguage },
      ...(template.components?.length ? { components: template.components } : {}),
    },
  };
}
