/**
 * A parser for the XML property lists the server writes (dict, array, string, true, false,
 * integer), with entities decoded: enough to read a manifest back, and strict enough that
 * anything else in one fails the test.
 */
export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

function decode(text: string): string {
  return text.replace(/&(lt|gt|amp|apos|quot);/g, (_m, name: string) => ENTITIES[name] ?? '');
}

export function parsePlist(xml: string): PlistValue {
  const body = /<plist version="1\.0">([\s\S]*)<\/plist>\s*$/.exec(xml)?.[1];
  if (body === undefined) throw new Error('not a plist');
  const tokens = body.match(/<[^>]+>|[^<]+/g)?.filter((t) => t.trim() !== '') ?? [];
  let at = 0;
  const next = () => {
    const token = tokens[at++];
    if (token === undefined) throw new Error('unexpected end of plist');
    return token;
  };
  const text = (close: string) => {
    let token = next();
    let value = '';
    if (token !== close) {
      value = decode(token);
      token = next();
    }
    if (token !== close) throw new Error(`expected ${close}, got ${token}`);
    return value;
  };
  const value = (): PlistValue => {
    const open = next();
    if (open === '<string>') return text('</string>');
    if (open === '<integer>') return Number(text('</integer>'));
    if (open === '<true/>') return true;
    if (open === '<false/>') return false;
    if (open === '<array>') {
      const out: PlistValue[] = [];
      while (tokens[at] !== '</array>') out.push(value());
      at++;
      return out;
    }
    if (open === '<dict>') {
      const out: Record<string, PlistValue> = {};
      while (tokens[at] !== '</dict>') {
        if (next() !== '<key>') throw new Error('expected <key>');
        out[text('</key>')] = value();
      }
      at++;
      return out;
    }
    throw new Error(`unexpected ${open}`);
  };
  const result = value();
  if (at !== tokens.length) throw new Error('trailing content in plist');
  return result;
}
