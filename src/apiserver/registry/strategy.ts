// What the generic registry needs to know about one kind (upstream: RESTCreateStrategy,
// RESTUpdateStrategy, TableConvertor, AttrFunc). Every function is pure: no I/O, no clock
// except the `now` handed in, so strategies are unit-testable on their own.
import type { FieldError, FieldLabelPolicy, KubeObject, ResourceType } from '../../core/index.js';

export interface TableColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly format?: string;        // 'name' on the Name column
  readonly priority?: number;      // 1 = only with -o wide
  readonly description?: string;
}

export interface TableSpec<T extends KubeObject = KubeObject> {
  readonly columns: readonly TableColumn[];
  /** One row's cells, in column order; `now` computes the Age column. */
  row(obj: T, now: Date): readonly unknown[];
}

/** Context for strategies that must look at other objects (admission-like decisions). */
export interface StrategyContext {
  readonly now: Date;
}

export interface ResourceStrategy<T extends KubeObject = KubeObject> {
  readonly type: ResourceType;
  /** Whether spec changes bump metadata.generation (apps kinds, PVs do not, ...). */
  readonly generation: boolean;
  /** Scheme defaulting: fills in upstream's defaults in place. Runs on create, update and patch. */
  defaults(obj: T): void;
  /** Create-time preparation: drop status the user sent, set initial phase, ... (in place). */
  prepareForCreate(obj: T, ctx: StrategyContext): void;
  validate(obj: T): FieldError[];
  /** Update preparation for the main resource: keep status from `prev` (in place on next). */
  prepareForUpdate(next: T, prev: T): void;
  validateUpdate(next: T, prev: T): FieldError[];
  /** /status writes: keep everything but status from `prev` (in place on next). */
  prepareForStatusUpdate(next: T, prev: T, ctx?: StrategyContext): void;
  validateStatusUpdate(next: T, prev: T): FieldError[];
  /** Server-side printing (as=Table). */
  readonly table: TableSpec<T>;
  /**
   * Graceful deletion (pods): the grace period in seconds for a DELETE asking for `requested`
   * (undefined = the object's default). 0 or absent means delete at once.
   */
  deleteGracePeriod?(obj: T, requested: number | undefined): number;
  /** Field-selector attributes beyond metadata.name/metadata.namespace. */
  selectableFields(obj: T): Record<string, string>;
  /** Which field labels a field selector may use for this kind. */
  readonly fieldLabels: FieldLabelPolicy;
}
