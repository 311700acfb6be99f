/** Types of scripts/build-schema.mjs (the test set-up and the schema tests import it). */
export declare const validatorFile: string;
export declare function buildSchema(): boolean;
export declare const configValidatorFile: string;
export declare function buildConfigSchema(): boolean;
