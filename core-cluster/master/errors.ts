/** An HTTP answer to a bad call: status and a reason that names the problem (mesos-api.md §1.1). */
export class CallError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 405 | 406 | 409 | 415 | 501 | 503,
    message: string,
  ) {
    super(message)
  }
}
