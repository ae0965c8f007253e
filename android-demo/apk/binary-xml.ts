/**
 * Android binary XML (AXML) writer for AndroidManifest.xml. `aapt package` would need android.jar
 * (no Android SDK here), so the manifest is encoded directly: string pool (UTF-16), resource map of
 * the android: attribute ids, then namespace/element chunks — the format of
 * frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h.
 */

export const ANDROID_NS = 'http://schemas.android.com/apk/res/android';

export type AttrValue = string | number | boolean;
export interface XmlElement {
  name: string;
  /** `android:foo` attributes need an entry in ANDROID_ATTR_IDS; plain names (e.g. `package`) are un-namespaced strings */
  attrs?: Record<string, AttrValue>;
  children?: XmlElement[];
}

/** public resource ids of the android: attributes the manifest uses (android.R.attr). */
export const ANDROID_ATTR_IDS: Record<string, number> = {
  label: 0x01010001, name: 0x01010003, exported: 0x01010010, minSdkVersion: 0x0101020c,
  versionCode: 0x0101021b, versionName: 0x0101021c, targetSdkVersion: 0x01010270, hasCode: 0x0101000c,
};

const RES_XML_TYPE = 0x0003, RES_STRING_POOL_TYPE = 0x0001, RES_XML_RESOURCE_MAP_TYPE = 0x0180;
const RES_XML_START_NAMESPACE_TYPE = 0x0100, RES_XML_END_NAMESPACE_TYPE = 0x0101;
const RES_XML_START_ELEMENT_TYPE = 0x0102, RES_XML_END_ELEMENT_TYPE = 0x0103;
const TYPE_STRING = 0x03, TYPE_INT_DEC = 0x10, TYPE_INT_BOOLEAN = 0x12;
const NO_INDEX = 0xffffffff;

class Bytes {
  private parts: Buffer[] = [];
  u16(v: number) { const b = Buffer.alloc(2); b.writeUInt16LE(v); this.parts.push(b); return this; }
  u32(v: number) { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); this.parts.push(b); return this; }
  u8(v: number) { this.parts.push(Buffer.from([v])); return this; }
  raw(b: Buffer) { this.parts.push(b); return this; }
  get buffer() { return Buffer.concat(this.parts); }
}

function chunk(type: number, headerSize: number, header: Buffer, body: Buffer): Buffer {
  return new Bytes().u16(type).u16(headerSize).u32(8 + header.length + body.length).raw(header).raw(body).buffer;
}

/** Encodes `root` (e.g. <manifest>) as AXML with the android namespace declared on it. */
export function encodeBinaryXml(root: XmlElement): Buffer {
  // String pool order: android: attribute names first (the resource map indexes them), then the rest.
  const attrNames: string[] = [];
  const strings: string[] = [];
  const walk = (e: XmlElement) => {
    for (const k of Object.keys(e.attrs ?? {})) if (k.startsWith('android:') && !attrNames.includes(k.slice(8))) attrNames.push(k.slice(8));
    (e.children ?? []).forEach(walk);
  };
  walk(root);
  for (const n of attrNames) if (ANDROID_ATTR_IDS[n] === undefined) throw new Error(`no resource id known for android:${n}`);
  strings.push(...attrNames);
  const idx = (s: string) => { let i = strings.indexOf(s); if (i < 0) { i = strings.length; strings.push(s); } return i; };
  idx('android'); idx(ANDROID_NS);

  const body: Buffer[] = [];
  const nsPrefix = idx('android'), nsUri = idx(ANDROID_NS);
  const nsChunk = (type: number) => chunk(type, 16, new Bytes().u32(1).u32(NO_INDEX).buffer, new Bytes().u32(nsPrefix).u32(nsUri).buffer);
  body.push(nsChunk(RES_XML_START_NAMESPACE_TYPE));
  const emit = (e: XmlElement) => {
    const attrs = Object.entries(e.attrs ?? {}).map(([k, v]) => {
      const android = k.startsWith('android:');
      const name = android ? k.slice(8) : k;
      return { android, name, nameIdx: idx(name), id: android ? ANDROID_ATTR_IDS[name]! : 0, v };
    }).sort((a, b) => (a.id || 0x7fffffff) - (b.id || 0x7fffffff)); // the framework expects resource-id order
    const ab = new Bytes();
    for (const a of attrs) {
      ab.u32(a.android ? nsUri : NO_INDEX).u32(a.nameIdx);
      if (typeof a.v === 'string') ab.u32(idx(a.v)).u16(8).u8(0).u8(TYPE_STRING).u32(idx(a.v));
      else if (typeof a.v === 'boolean') ab.u32(NO_INDEX).u16(8).u8(0).u8(TYPE_INT_BOOLEAN).u32(a.v ? 0xffffffff : 0);
      else ab.u32(NO_INDEX).u16(8).u8(0).u8(TYPE_INT_DEC).u32(a.v);
    }
    const ext = new Bytes().u32(NO_INDEX).u32(idx(e.name)).u16(20).u16(20).u16(attrs.length).u16(0).u16(0).u16(0).buffer;
    body.push(chunk(RES_XML_START_ELEMENT_TYPE, 16, new Bytes().u32(1).u32(NO_INDEX).buffer, Buffer.concat([ext, ab.buffer])));
    (e.children ?? []).forEach(emit);
    body.push(chunk(RES_XML_END_ELEMENT_TYPE, 16, new Bytes().u32(1).u32(NO_INDEX).buffer, new Bytes().u32(NO_INDEX).u32(idx(e.name)).buffer));
  };
  emit(root);
  body.push(nsChunk(RES_XML_END_NAMESPACE_TYPE));

  const pool = stringPool(strings);
  const resMap = chunk(RES_XML_RESOURCE_MAP_TYPE, 8, Buffer.alloc(0), Buffer.concat(attrNames.map((n) => new Bytes().u32(ANDROID_ATTR_IDS[n]!).buffer)));
  return chunk(RES_XML_TYPE, 8, Buffer.alloc(0), Buffer.concat([pool, resMap, ...body]));
}

function stringPool(strings: string[]): Buffer {
  const data = Buffer.concat(strings.map((s) => {
    const chars = Buffer.from(s, 'utf16le');
    return new Bytes().u16(s.length).raw(chars).u16(0).buffer;
  }));
  const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
  const offsets = new Bytes();
  let off = 0;
  for (const s of strings) { offsets.u32(off); off += 2 + s.length * 2 + 2; }
  const headerSize = 28;
  const stringsStart = headerSize + strings.length * 4;
  const header = new Bytes().u32(strings.length).u32(0).u32(0 /* UTF-16 */).u32(stringsStart).u32(0).buffer;
  return chunk(RES_STRING_POOL_TYPE, headerSize, header, Buffer.concat([offsets.buffer, padded]));
}
