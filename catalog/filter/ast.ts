/** The syntax tree of a filter expression. */

/** One step of a selector: a field or map key name. */
export type SelectorPath = string[];

/** A literal as written; it is coerced to the type of the field it is compared with at evaluation time. */
export interface Literal {
  text: string;
  /** Quoted values are always compared as text against strings, but still coerced for number/bool fields. */
  quoted: boolean;
}

export type MatchOperator =
  | 'equal'
  | 'notEqual'
  | 'in'
  | 'notIn'
  | 'isEmpty'
  | 'isNotEmpty'
  | 'matches'
  | 'notMatches';

export type FilterNode =
  | { kind: 'and'; left: FilterNode; right: FilterNode }
  | { kind: 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'match'; selector: SelectorPath; operator: MatchOperator; value?: Literal; regex?: RegExp };
