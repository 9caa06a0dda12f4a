using Microsoft.Data.Sqlite;
using NodaTime;

namespace MedCoord.Engine.Storage;

/// <summary>
/// The engine's embedded SQLite database: opening one creates its schema or migrates it to the current version, each
/// migration in its own transaction. Thread safe: every operation opens its own connection.
/// </summary>
internal sealed class SqliteDatabase
{
    /// <summary>
    /// Schema migrations in order; the database records how many it has applied. Migration 2's referral tables are no
    /// longer written (referrals are records of the engine store since migration 3); they stay so that every database's
    /// version history means the same. Migration 4 only adds columns: rows written before keep their bytes (their
    /// entries are of format 1 and verify as they are; their records are JSON in clear). Migration 5 adds the records'
    /// index (<see cref="RecordIndex"/>); rows written before it are marked unindexed until the store opens them
    /// (<see cref="SqliteEngineStore"/> indexes them when it starts).
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
        """
        ALTER TABLE records ADD COLUMN key_id TEXT;
        ALTER TABLE audit_log ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE audit_log ADD COLUMN content TEXT;
        ALTER TABLE audit_log ADD COLUMN key_id TEXT;
        """,
        """
        ALTER TABLE records ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE records ADD COLUMN patient_id TEXT;
        ALTER TABLE records ADD COLUMN open INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE records ADD COLUMN due_at INTEGER;
        ALTER TABLE records ADD COLUMN ref TEXT;
        CREATE INDEX records_open ON records (kind, open, due_at) WHERE indexed = 1;
        CREATE INDEX records_patient ON records (kind, patient_id) WHERE indexed = 1;
        CREATE INDEX records_ref ON records (kind, ref) WHERE indexed = 1;
        CREATE INDEX records_unindexed ON records (kind) WHERE indexed IS NOT 1;
        """,
    ];

    /// <summary>The tables every engine database has from schema version 3 on.</summary>
    private static readonly string[] EngineTables = ["audit_log", "audit_tip", "records", "schema_version"];

    private readonly string _connectionString;

    private SqliteDatabase(string connectionString, int schemaVersion, bool readOnly) =>
        (_connectionString, SchemaVersion, IsReadOnly) = (connectionString, schemaVersion, readOnly);

    /// <summary>Gets the schema version this code writes.</summary>
    public static int CurrentVersion => Migrations.Length;

    /// <summary>Gets the schema version of the file when it was opened.</summary>
    public int SchemaVersion { get; }

    /// <summary>Gets whether the database was opened read-only (<see cref="OpenReadOnly"/>).</summary>
    public bool IsReadOnly { get; }

    /// <summary>Opens (creating if needed) the database file and brings its schema to the current version.</summary>
    /// <param name="path">The database file.</param>
    /// <returns>The database.</returns>
    /// <exception cref="InvalidOperationException">The file's schema is newer than this code.</exception>
    /// <exception cref="InvalidDataException">The file is not a SQLite database, or holds another application's tables; it is left as it is.</exception>
    public static SqliteDatabase Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            CheckHeader(path);
        }

        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        try
        {
            new SqliteDatabase(connectionString, 0, false).Migrate();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 26 or 11)
        {
            throw new InvalidDataException($"it cannot be read as a SQLite database (SQLite error {ex.SqliteErrorCode})", ex);
        }

        return new SqliteDatabase(connectionString, Migrations.Length, false);
    }

    /// <summary>
    /// Opens an existing engine database to read it, changing nothing: no table is created, no migration runs, and
    /// every connection is read-only. For verifying a file as it is.
    /// </summary>
    /// <param name="path">The database file.</param>
    /// <returns>The database, at the schema version it has.</returns>
    /// <exception cref="InvalidDataException">The file is missing, not SQLite, not an engine database (schema version 3 or later), or newer than this code; the message says which.</exception>
    public static SqliteDatabase OpenReadOnly(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new InvalidDataException("there is no such file");
        }

        CheckHeader(path);

        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var tables = connection.CreateCommand();
            tables.CommandText = $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ({string.Join(", ", EngineTables.Select(t => $"'{t}'"))})";
            if (Convert.ToInt32(tables.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != EngineTables.Length)
            {
                throw new InvalidDataException("it is not a MedCoord engine database (its tables are missing)");
            }

            var version = Version(connection);
            if (version < 3 || version > Migrations.Length)
            {
                throw new InvalidDataException($"its schema version is {version}; this code reads versions 3 to {Migrations.Length}");
            }

            return new SqliteDatabase(connectionString, version, true);
        }
        catch (SqliteException ex)
        {
            throw new InvalidDataException($"it cannot be read as a SQLite database (SQLite error {ex.SqliteErrorCode})", ex);
        }
    }

    /// <summary>Opens a connection, with a busy timeout so that concurrent writers wait their turn.</summary>
    internal SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = IsReadOnly ? "PRAGMA busy_timeout = 5000; PRAGMA query_only = ON;" : "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>The rows of the records table, by kind and id; of one kind, or one record, when given.</summary>
    internal List<RecordRow> ReadRows(SqliteConnection connection, SqliteTransaction? transaction, string? kind = null, string? id = null)
    {
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        var where = kind is null ? string.Empty : id is null ? "WHERE kind = $kind" : "WHERE kind = $kind AND id = $id";
        read.CommandText = $"SELECT kind, id, version, {(SchemaVersion >= 4 ? "key_id" : "NULL")}, body FROM records {where} ORDER BY kind, id";
        if (kind is not null)
        {
            read.Parameters.AddWithValue("$kind", kind);
        }

        if (id is not null)
        {
            read.Parameters.AddWithValue("$id", id);
        }

        return Rows(read);
    }

    /// <summary>
    /// The rows of one kind a query selects by their index, and every row of that kind not indexed yet, by id.
    /// </summary>
    internal async Task<List<RecordRow>> ReadRowsAsync(SqliteConnection connection, string kind, RecordQuery query, CancellationToken cancellationToken)
    {
        if (SchemaVersion < 5)
        {
            return ReadRows(connection, null, kind);
        }

        using var read = QueryCommand(connection, kind, query);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<RecordRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new RecordRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4)));
        }

        rows.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return rows;
    }

    /// <summary>The rows of one kind with any of the ids, by id (by the primary key, a few hundred ids a statement).</summary>
    internal async Task<List<RecordRow>> ReadRowsAsync(SqliteConnection connection, string kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var rows = new List<RecordRow>();
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            using var read = connection.CreateCommand();
            read.Parameters.AddWithValue("$kind", kind);
            var names = new List<string>();
            for (var i = 0; i < chunk.Length; i++)
            {
                names.Add($"$id{i}");
                read.Parameters.AddWithValue($"$id{i}", chunk[i]);
            }

            read.CommandText = $"SELECT kind, id, version, {(SchemaVersion >= 4 ? "key_id" : "NULL")}, body FROM records WHERE kind = $kind AND id IN ({string.Join(", ", names)})";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new RecordRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4)));
            }
        }

        rows.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return rows;
    }

    /// <summary>The command reading the rows of one kind a query selects, and the rows not indexed yet (each part by an index).</summary>
    internal static SqliteCommand QueryCommand(SqliteConnection connection, string kind, RecordQuery query)
    {
        var read = connection.CreateCommand();
        var conditions = new List<string> { "kind = $kind", "indexed = 1" };
        read.Parameters.AddWithValue("$kind", kind);
        if (query.PatientId is { } patient)
        {
            conditions.Add("patient_id = $patient");
            read.Parameters.AddWithValue("$patient", patient);
        }

        if (query.OpenOnly)
        {
            conditions.Add("open = 1");
        }

        if (query.DueBy is { } due)
        {
            conditions.Add("due_at IS NOT NULL AND due_at <= $due");
            read.Parameters.AddWithValue("$due", due.ToUnixTimeTicks());
        }

        if (query.Ref is { } reference)
        {
            conditions.Add("ref = $ref");
            read.Parameters.AddWithValue("$ref", reference);
        }

        // No ORDER BY in SQL: sorting there makes SQLite walk the primary key (every record of the kind) instead of the index.
        read.CommandText = $"""
            SELECT kind, id, version, key_id, body FROM records WHERE {string.Join(" AND ", conditions)}
            UNION ALL SELECT kind, id, version, key_id, body FROM records WHERE kind = $kind AND indexed IS NOT 1
            """;
        return read;
    }

    /// <summary>
    /// Writes a record's index next to it. Given the version the index was derived from, it is written only while the row
    /// is still that version and not indexed (a commit in between wrote the newer version's index itself).
    /// </summary>
    internal static void WriteIndex(SqliteConnection connection, SqliteTransaction? transaction, string kind, string id, RecordIndex index, long? ofVersion = null)
    {
        using var write = connection.CreateCommand();
        write.Transaction = transaction;
        write.CommandText = "UPDATE records SET indexed = 1, patient_id = $patient, open = $open, due_at = $due, ref = $ref WHERE kind = $kind AND id = $id"
            + (ofVersion is { } version ? " AND version = $version AND indexed IS NOT 1" : string.Empty);
        if (ofVersion is { } v)
        {
            write.Parameters.AddWithValue("$version", v);
        }

        write.Parameters.AddWithValue("$kind", kind);
        write.Parameters.AddWithValue("$id", id);
        write.Parameters.AddWithValue("$patient", index.PatientId);
        write.Parameters.AddWithValue("$open", index.Open ? 1 : 0);
        write.Parameters.AddWithValue("$due", index.Due is { } due ? due.ToUnixTimeTicks() : DBNull.Value);
        write.Parameters.AddWithValue("$ref", (object?)index.Ref ?? DBNull.Value);
        write.ExecuteNonQuery();
    }

    /// <summary>
    /// The index columns of every row, by kind and id: null for a row not indexed yet (<c>indexed</c> 0), the index for an
    /// indexed one (1), and in <paramref name="malformed"/> the rows whose index columns hold what the engine never
    /// writes (another <c>indexed</c> value, a value of the wrong type).
    /// </summary>
    internal Dictionary<(string Kind, string Id), RecordIndex?> ReadIndexes(SqliteConnection connection, out HashSet<(string Kind, string Id)> malformed)
    {
        var indexes = new Dictionary<(string, string), RecordIndex?>();
        malformed = [];
        if (SchemaVersion < 5)
        {
            return indexes;
        }

        using var read = connection.CreateCommand();
        read.CommandText = "SELECT kind, id, indexed, patient_id, open, due_at, ref FROM records";
        using var reader = read.ExecuteReader();
        while (reader.Read())
        {
            var key = (reader.GetString(0), reader.GetString(1));
            switch (reader.GetValue(2))
            {
                case 0L:
                    indexes[key] = null;
                    break;
                case 1L when reader.GetValue(3) is string patient && reader.GetValue(4) is 0L or 1L && reader.GetValue(5) is DBNull or long
                    && reader.GetValue(6) is DBNull or string:
                    indexes[key] = new RecordIndex(patient, reader.GetInt64(4) == 1, reader.IsDBNull(5) ? null : Instant.FromUnixTimeTicks(reader.GetInt64(5)), reader.IsDBNull(6) ? null : reader.GetString(6));
                    break;
                default:
                    malformed.Add(key);
                    break;
            }
        }

        return indexes;
    }

    /// <summary>The rows not indexed yet (any <c>indexed</c> value but 1 counts as not indexed: such a row is never hidden), by kind and id.</summary>
    internal List<RecordRow> UnindexedRows(SqliteConnection connection)
    {
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT kind, id, version, key_id, body FROM records WHERE indexed IS NOT 1 ORDER BY kind, id";
        return Rows(read);
    }

    private static List<RecordRow> Rows(SqliteCommand read)
    {
        using var reader = read.ExecuteReader();
        var rows = new List<RecordRow>();
        while (reader.Read())
        {
            rows.Add(new RecordRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4)));
        }

        return rows;
    }

    /// <summary>Refuses a file that does not start as a SQLite database does.</summary>
    private static void CheckHeader(string path)
    {
        var header = new byte[16];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || !header.AsSpan().SequenceEqual("SQLite format 3\0"u8))
        {
            throw new InvalidDataException("it is not a SQLite database");
        }
    }

    private void Migrate()
    {
        using var connection = Connect();
        using (var foreign = connection.CreateCommand())
        {
            // A database of another application is left alone: the engine's tables go only into an empty file or its own.
            foreign.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND NOT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version')";
            if (Convert.ToInt64(foreign.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                throw new InvalidDataException("it is not a MedCoord engine database (it holds another application's tables)");
            }
        }

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
