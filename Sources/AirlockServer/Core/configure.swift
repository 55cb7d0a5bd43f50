import AirlockAWS
import Foundation
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Vapor

/// Sets up the Airlock server on `app`: its database, its migrations (run now, idempotent), its routes.
/// The database, AWS STS and the clock are parameters so that tests can run the same app on SQLite and on
/// PostgreSQL, against a test STS, at a time of their choosing. The app shuts `aws`'s client down with it.
/// `secureCookies` marks the session cookie Secure: set it when browsers reach the server over https.
/// `publicAddress` starts every link the server writes (`Application.publicAddress`). `signIn` says how people sign
/// in (the identity provider, local passwords, how long a session lasts).
public func configure(_ app: Application, database: DatabaseChoice, secrets: SecretBox, aws: AWSAccess, clock: ServerClock = .system,
                      secureCookies: Bool = false, organizationCreators: OrganizationCreators = .administrators,
                      publicAddress: String = "http://127.0.0.1:8080", requestLimits: RequestLimits = RequestLimits(),
                      trustedProxies: [IPNetwork] = [], signIn: SignInPolicy = SignInPolicy()) async throws {
    app.secretBox = secrets
    app.signInPolicy = signIn
    if let singleSignOn = signIn.singleSignOn {
        let provider = OpenIDProvider(configuration: singleSignOn)
        app.openIDProvider = provider
        app.lifecycle.use(OpenIDProviderShutdown(provider: provider))
    }
    app.trustedProxies = trustedProxies
    app.requestLimits = requestLimits
    app.uploadPermits = KeyedPermits(requestLimits.uploadsPerOrganization)
    app.publicAddress = publicAddress
    app.organizationCreators = organizationCreators
    app.awsAccess = aws
    app.clock = clock
    app.lifecycle.use(AWSClientShutdown(client: aws.client))
    // A request waits for a database connection up to a minute, not the pool's default 10 s: on a busy machine a
    // burst of writers (uploads, parallel writes of one variable, confirms queued on an environment's row lock)
    // queues past 10 s, which answered 500 (UploadResourceTests, VariableStoreTests, ConfirmAndMFAGateTests under
    // load). Waiting is the right answer; the clients' own timeouts still apply, and a wait that does run out is
    // a 503 (`ErrorDescription`).
    let poolTimeout = TimeAmount.seconds(60)
    switch database {
    case let .sqlite(path):
        // SQLite has one writer at a time: one connection per event loop is all it can use.
        app.databases.use(.sqlite(.file(path), connectionPoolTimeout: poolTimeout), as: .sqlite)
    case let .postgres(url):
        // PostgreSQL serves writers in parallel; a transaction waiting on a row lock holds its connection, so one
        // per event loop (the default) would stall every other request on that loop behind it.
        app.databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: 4, connectionPoolTimeout: poolTimeout), as: .psql)
    }
    // JSON answers with sorted keys: stable for clients, diffs and tests.
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    ContentConfiguration.global.use(encoder: encoder, for: .json)
    app.middleware = Middlewares()
    app.middleware.use(HeaderValueGuardMiddleware())
    app.middleware.use(APIErrorMiddleware())
    app.middleware.use(NulCharacterGuardMiddleware())
    app.sessions.use(.fluent)
    app.sessions.configuration = WebSession.configuration(secure: secureCookies, lifetime: signIn.sessionLifetime)
    app.migrations.add(ReleasedMigrations.all)
    try await app.autoMigrate()
    try routes(app)
}

/// Shuts the STS client down when the app shuts down.
private struct AWSClientShutdown: LifecycleHandler {
    let client: AWSQueryClient

    func shutdownAsync(_ application: Application) async {
        try? await client.shutdown()
    }
}
