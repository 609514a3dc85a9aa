import { z } from 'zod';

/**
 * Schemas that appear in the OpenAPI document once, under `components.schemas`, and are
 * referenced from every route that uses them. A registry of our own rather than zod's global
 * one, so nothing else in the process can collide with these ids.
 */
export const apiSchemas = z.registry<{ id: string }>();
