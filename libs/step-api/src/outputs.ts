/** What a step output holds: a file in the content-addressed store, or a JSON value kept in the instance record. */
export type OutputKind = 'artifact' | 'number' | 'string' | 'boolean' | 'json';

export interface OutputSpec {
  readonly kind: OutputKind;
  readonly description?: string;
  /**
   * Media type of an artifact (e.g. `image/svg+xml`, `image/png`, `text/csv`). Images are figures: the
   * runner copies them next to the run's results, and trackers show them as images.
   */
  readonly media?: string;
}

export type OutputSpecs = Readonly<Record<string, OutputSpec>>;

/** The TypeScript type of a value output; artifacts are written through the context, not returned. */
export type OutputValue<S extends OutputSpec> = S['kind'] extends 'number'
  ? number
  : S['kind'] extends 'string'
    ? string
    : S['kind'] extends 'boolean'
      ? boolean
      : S['kind'] extends 'json'
        ? unknown
        : never;

type ValueOutputNames<O extends OutputSpecs> = { [K in keyof O]: O[K]['kind'] extends 'artifact' ? never : K }[keyof O];

/** What `run` returns: every value output, by name. */
export type StepValues<O extends OutputSpecs> = { [K in ValueOutputNames<O>]: OutputValue<O[K]> };
