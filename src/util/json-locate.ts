import { escapePointer } from "../validate/context.js";

/**
 * Finds where each of the given JSON pointers sits in a JSON text (the offset of its key, or of the value for array
 * elements and the root), in one pass that builds no document and makes strings only along the wanted paths.
 */
export function locatePointers(text: string, pointers: Iterable<string>): Map<string, number> {
  const targets = new Set(pointers);
  const found = new Map<string, number>();
  if (targets.has("")) found.set("", 0);
  const prefixes = new Set<string>([""]);
  for (const pointer of targets) {
    let at = pointer.indexOf("/", 1);
    while (at !== -1) {
      prefixes.add(pointer.slice(0, at));
      at = pointer.indexOf("/", at + 1);
    }
    prefixes.add(pointer);
  }
  /** Open containers: the pointer of a container on a wanted path (else undefined), and array position or key. */
  type Frame = {
    pointer: string | undefined;
    array: boolean;
    index: number;
    key: string | undefined;
    keyAt: number;
  };
  const stack: Frame[] = [];
  let i = 0;
  const n = text.length;

  /** The pointer of the value about to start in the innermost container, when it is on a wanted path. */
  const childPointer = (frame: Frame | undefined): string | undefined => {
    if (frame === undefined) return "";
    if (frame.pointer === undefined) return undefined;
    const segment = frame.array ? String(frame.index) : frame.key;
    if (segment === undefined) return undefined;
    const pointer = `${frame.pointer}/${frame.array ? segment : escapePointer(segment)}`;
    return prefixes.has(pointer) ? pointer : undefined;
  };
  const valueStarts = (offset: number): string | undefined => {
    const frame = stack[stack.length - 1];
    const pointer = childPointer(frame);
    if (pointer !== undefined && targets.has(pointer) && !found.has(pointer)) {
      found.set(pointer, frame !== undefined && !frame.array ? frame.keyAt : offset);
    }
    return pointer;
  };
  const skipString = (): number => {
    const start = i;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x5c) i += 2;
      else if (c === 0x22) break;
      else i++;
    }
    i++;
    return start;
  };

  while (i < n && found.size < targets.size) {
    const c = text.charCodeAt(i);
    const frame = stack[stack.length - 1];
    if (c === 0x7b || c === 0x5b) {
      const pointer = valueStarts(i);
      stack.push({ pointer, array: c === 0x5b, index: 0, key: undefined, keyAt: 0 });
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      i++;
    } else if (c === 0x2c) {
      if (frame?.array) frame.index++;
      else if (frame !== undefined) frame.key = undefined;
      i++;
    } else if (c === 0x22) {
      if (frame !== undefined && !frame.array && frame.key === undefined) {
        const start = skipString();
        // Decode the key only inside a wanted container; elsewhere the path is not needed.
        frame.key = frame.pointer === undefined ? "" : (JSON.parse(text.slice(start, i)) as string);
        frame.keyAt = start;
      } else {
        valueStarts(i);
        skipString();
      }
    } else if (c === 0x3a || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
    } else {
      valueStarts(i);
      while (i < n && !",}] \n\r\t".includes(text[i] as string)) i++;
    }
  }
  return found;
}
