using Microsoft.Data.Sqlite;

namespace MedCoord.Engine.Storage;

/// <summary>
/// The engine's embedded SQLite database: opening one creates its schema or migrates it to the current version, each
/// migration in its own transaction. Thread safe: every operation opens its own connection.
/// </summary>
public sealed class SqliteDatabase
{
    /// <summary>
    /// Schema migrations in order; the database records how many it has applied. Migration 2's referral tables are no
    /// longer written (referrals are records of the engine store since migration 3); they stay so that every database's
    /// version history means the same.
    /// </summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE audit_log (
            sequence INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            entity_type TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            action TEXT NOT NULL,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL);
        CREATE TABLE audit_tip (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            sequence INTEGER NOT NULL,
            hash TEXT NOT NULL);
        """,
        """
        CREATE TABLE referrals (
            id TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            patient_id TEXT NOT NULL,
            from_provider_id TEXT NOT NULL,
            target TEXT NOT NULL,
            priority TEXT NOT NULL,
            created_at TEXT NOT NULL,
            status TEXT NOT NULL,
            sent_at TEXT);
        CREATE TABLE referral_history (
            referral_id TEXT NOT NULL REFERENCES referrals (id),
            position INTEGER NOT NULL,
            from_status TEXT NOT NULL,
            to_status TEXT NOT NULL,
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (referral_id, position));
        """,
        """
        CREATE TABLE records (
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            version INTEGER NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (kind, id));
        """,
    ];

    private readonly string _connectionString;

    private SqliteDatabase(string connectionString) => _connectionString = connectionString;

    /// <summary>Gets the schema version this code writes.</summary>
    public static int CurrentVersion => Migrations.Length;

    /// <summary>Opens (creating if needed) the database file and brings its schema to the current version.</summary>
    /// <param name="path">The database file.</param>
    /// <returns>The database.</returns>
    /// <exception cref="InvalidOperationException">The file's schema is newer than this code.</exception>
    public static SqliteDatabase Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var database = new SqliteDatabase(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        database.Migrate();
        return database;
    }

    /// <summary>Opens a connection, with a busy timeout so that concurrent writers wait their turn.</summary>
    internal SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private void Migrate()
    {
        using var connection = Connect();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";
            create.ExecuteNonQuery();
        }

        var version = Version(connection);
        if (version > Migrations.Length)
        {
            throw new InvalidOperationException($"The database schema is version {version}; this code knows versions up to {Migrations.Length}.");
        }

        for (var v = version; v < Migrations.Length; v++)
        {
            using var transaction = connection.BeginTransaction();
            using var migrate = connection.CreateCommand();
            migrate.Transaction = transaction;
            migrate.CommandText = Migrations[v] + "; DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES ($version);";
            migrate.Parameters.AddWithValue("$version", v + 1);
            migrate.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    private static int Version(SqliteConnection connection)
    {
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT version FROM schema_version";
        return read.ExecuteScalar() is long version ? (int)version : 0;
    }
}
