/*
 * The capability derivation tree. Every capability has a parent (the one it
 * was derived from: the untyped an object was retyped from, or the
 * capability it was copied or minted from) and children.
 *
 * Invariants:
 *  - a capability's children name the same object as it does, except for
 *    untyped capabilities, whose children are the objects made from them;
 *  - capabilities to the same object that share a parent are adjacent in
 *    the parent's child list (cdt_remove splices children in place), so
 *    "is this the last capability to its object" looks only at neighbours.
 */
#ifndef MOAT_CDT_H
#define MOAT_CDT_H

#include "cap.h"

/* Links `child` (holding a capability already) as the last child of `parent`. */
void cdt_insert(struct cte *parent, struct cte *child);

/* Unlinks `slot`; its children take its place in its parent's list. */
void cdt_remove(struct cte *slot);

/* Moves the tree node, capability included, from `from` to the empty `to`. */
void cdt_move(struct cte *from, struct cte *to);

/* A descendant of `slot` without children, or NULL if `slot` has none. */
struct cte *cdt_leaf_descendant(const struct cte *slot);

#endif
