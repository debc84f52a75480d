import { ApiError } from '../errors';

/** SCIM errors use their own shape (RFC 7644 section 3.12); the HTTP layer renders `scimType`. */
export class ScimError extends ApiError {
  constructor(status: number, scimType: string | undefined, detail: string) {
    super(status, `WARDEN_ERR_SCIM_${(scimType ?? String(status)).toUpperCase()}`, 'SCIM error', detail);
    this.scimType = scimType;
  }
  readonly scimType: string | undefined;
}
