/**
 * The registry of errors the HTTP API can answer with. Consul answers errors
 * as plain text with a status code; so do we, and every error carries a code
 * so that logs and tests can tell them apart.
 */

/** An error that maps to one HTTP status and a plain-text body. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Each kind of API error, by code: status and a message template. */
export const API_ERRORS = {
  BAD_REQUEST: { statusCode: 400 },
  PERMISSION_DENIED: { statusCode: 403 },
  NOT_FOUND: { statusCode: 404 },
  METHOD_NOT_ALLOWED: { statusCode: 405 },
  CONFLICT: { statusCode: 409 },
  BODY_TOO_LARGE: { statusCode: 413 },
  UNSUPPORTED_MEDIA_TYPE: { statusCode: 415 },
  TOO_MANY_REQUESTS: { statusCode: 429 },
  INTERNAL: { statusCode: 500 },
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** Builds the API error of a code with its message. */
export function apiError(code: ApiErrorCode, message: string): ApiError {
  return new ApiError(code, API_ERRORS[code].statusCode, message);
}

/** 400: the request is malformed; the message names the field. */
export const badRequest = (message: string): ApiError => apiError('BAD_REQUEST', message);
/** 404: the named thing does not exist. */
export const notFound = (message: string): ApiError => apiError('NOT_FOUND', message);
/** 403: the token does not allow it (Consul's exact body). */
export const permissionDenied = (): ApiError => apiError('PERMISSION_DENIED', 'Permission denied');
