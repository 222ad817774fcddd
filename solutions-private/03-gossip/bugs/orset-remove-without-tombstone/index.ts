/**
 * Classic mistake: an OR-Set remove that deletes the add tags it has seen instead of tombstoning
 * them. Locally the element is gone, but the next merge with a replica that still holds those tags
 * brings them, and the element, straight back: the remove is lost. Keep the cancelled tags.
 */
import { ORSet as Reference } from "../../crdts.js";

export * from "../../index.js";

export class ORSet extends Reference {
  override remove(element: string): void {
    this.adds.delete(element);
  }
}
