/** Public face of authentication: credentials files, the authenticator, roles, the hono middleware and route tables, executor and path tokens, masking. */

export { AuthFileError, ForbiddenError, UnauthenticatedError } from './auth-error.js'
export { type Authentication, Authenticator, type Principal } from './authenticator.js'
export {
  basicAuthorization,
  MAX_AUTHORIZATION_LENGTH,
  type ParsedAuthorization,
  type PresentedCredential,
  parseAuthorization,
} from './authorization-header.js'
export {
  type AuthUser,
  type AuthUsers,
  loadAuthFile,
  loadCredential,
  type OwnCredential,
  parseAuthFile,
} from './credentials-file.js'
export { type ExecutorClaims, mintExecutorToken, verifyExecutorToken } from './executor-token.js'
export { isSecretName, MASK, maskJvmOptions, maskKvList, maskRecord, maskUri } from './mask.js'
export {
  type AuthMiddlewareOptions,
  authMiddleware,
  callerMay,
  principalOf,
  type Requirement,
} from './middleware.js'
export { PATH_TOKEN_PARAM, PathTokens } from './path-token.js'
export { ROLES, type Role, roleSatisfies } from './roles.js'
export { handlerRoutes, type RouteRule, routeRequirement } from './route-table.js'
export {
  DEFAULT_SCRYPT_COST,
  hashPassword,
  hashToken,
  newSecret,
  type ScryptCost,
  secretsEqual,
  verifyPassword,
  verifyToken,
} from './secret-hash.js'
