using MedCoord.Engine.Storage;
using Microsoft.Data.Sqlite;
using Xunit;

namespace MedCoord.Engine.Tests.Storage;

/// <summary>The database file: its schema, migrations (each all or nothing), read-only opening and its refusals, connections and rows.</summary>
public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-db-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string NewPath() => Path.Combine(_dir, $"engine-{Guid.NewGuid():N}.db");

    private string Schema3Copy()
    {
        var path = NewPath();
        File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "demo-schema3.db"), path);
        return path;
    }

    private static List<string> Query(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : reader.GetString(i))));
        }

        return rows;
    }

    private static void Sql(string path, string sql) => Query(path, sql);

    private static string Pragma(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    [Fact]
    public void Open_ANewFile_CreatesEveryTableAtVersionFive()
    {
        var path = NewPath();

        var database = SqliteDatabase.Open(path);
        SqliteDatabase.Open(path);

        Assert.Equal((5, 5, false), (SqliteDatabase.CurrentVersion, database.SchemaVersion, database.IsReadOnly));
        Assert.Equal(["5"], Query(path, "SELECT version FROM schema_version"));
        Assert.Equal(
            ["audit_log", "audit_tip", "records", "referral_history", "referrals", "schema_version"],
            Query(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
        Assert.Equal(
            ["sequence", "at", "actor", "entity_type", "entity_id", "action", "previous_hash", "hash", "format", "content", "key_id"],
            Query(path, "SELECT name FROM pragma_table_info('audit_log') ORDER BY cid"));
        Assert.Equal(["kind", "id", "version", "body", "key_id", "indexed", "patient_id", "open", "due_at", "ref"], Query(path, "SELECT name FROM pragma_table_info('records') ORDER BY cid"));
        Assert.Equal(
            ["records_open", "records_patient", "records_ref", "records_unindexed"],
            Query(path, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records' AND sql IS NOT NULL ORDER BY name"));
        Assert.Throws<ArgumentException>(() => SqliteDatabase.Open(" "));
    }

    [Theory]
    [InlineData("text", "it is not a SQLite database")]
    [InlineData("foreign", "it is not a MedCoord engine database (it holds another application's tables)")]
    [InlineData("corrupt", "it cannot be read as a SQLite database (SQLite error 26)")]
    public void Open_AFileThatIsNotAnEngineDatabase_IsRefusedAndLeftAsItIs(string kind, string message)
    {
        var path = NewPath();
        switch (kind)
        {
            case "text":
                File.WriteAllText(path, "visits, not a database");
                break;
            case "foreign":
                Sql(path, "CREATE TABLE patients (id TEXT)");
                break;
            default:
                File.WriteAllBytes(path, [.. "SQLite format 3\0"u8, .. Enumerable.Repeat((byte)0xA5, 1008)]);
                break;
        }

        var before = File.ReadAllBytes(path);

        Assert.Equal(message, Assert.Throws<InvalidDataException>(() => SqliteDatabase.Open(path)).Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void Open_ASchemaNewerThanThisCode_IsRefusedAndLeftAsItIs()
    {
        var path = NewPath();
        Sql(path, "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (6)");

        var error = Assert.Throws<InvalidOperationException>(() => SqliteDatabase.Open(path));

        Assert.Equal("The database schema is version 6; this code knows versions up to 5.", error.Message);
        Assert.Equal(["schema_version"], Query(path, "SELECT name FROM sqlite_master WHERE type = 'table'"));
    }

    [Fact]
    public void Open_Schema3_AddsTheNewColumnsAndKeepsEveryRowAsItWas()
    {
        var path = Schema3Copy();
        var entries = Query(path, "SELECT * FROM audit_log ORDER BY sequence");
        var records = Query(path, "SELECT * FROM records ORDER BY kind, id");
        var tip = Query(path, "SELECT * FROM audit_tip");

        var database = SqliteDatabase.Open(path);

        Assert.Equal(5, database.SchemaVersion);
        Assert.Equal(["5"], Query(path, "SELECT version FROM schema_version"));
        Assert.Equal(48, entries.Count);
        Assert.Equal(20, records.Count);
        Assert.Equal(entries.Select(e => e + "|1|NULL|NULL"), Query(path, "SELECT * FROM audit_log ORDER BY sequence"));
        Assert.Equal(records.Select(r => r + "|NULL|0|NULL|1|NULL|NULL"), Query(path, "SELECT * FROM records ORDER BY kind, id"));
        Assert.Equal(tip, Query(path, "SELECT * FROM audit_tip"));
    }

    [Fact]
    public void Open_AMigrationThatFails_LeavesTheFileAtTheVersionBefore()
    {
        var path = Schema3Copy();
        Sql(path, "ALTER TABLE audit_log ADD COLUMN content TEXT");

        Assert.Throws<SqliteException>(() => SqliteDatabase.Open(path));

        Assert.Equal(["3"], Query(path, "SELECT version FROM schema_version"));
        Assert.Empty(Query(path, "SELECT name FROM pragma_table_info('records') WHERE name = 'key_id'"));
    }

    [Fact]
    public void OpenReadOnly_Schema3And4_OpenAsTheyAre()
    {
        var old = Schema3Copy();
        var current = NewPath();
        SqliteDatabase.Open(current);
        var bytes = File.ReadAllBytes(old);

        var database = SqliteDatabase.OpenReadOnly(old);
        using (var connection = database.Connect())
        {
            var rows = database.ReadRows(connection, null);
            Assert.Equal((20, 0), (rows.Count, rows.Count(r => r.KeyId is not null)));
        }

        Assert.Equal((3, true), (database.SchemaVersion, database.IsReadOnly));
        Assert.Equal((5, true), (SqliteDatabase.OpenReadOnly(current).SchemaVersion, SqliteDatabase.OpenReadOnly(current).IsReadOnly));
        Assert.Equal(bytes, File.ReadAllBytes(old));
    }

    [Theory]
    [InlineData("missing", "there is no such file")]
    [InlineData("empty", "it is not a SQLite database")]
    [InlineData("short", "it is not a SQLite database")]
    [InlineData("header", "it cannot be read as a SQLite database (SQLite error 26)")]
    [InlineData("three tables", "it is not a MedCoord engine database (its tables are missing)")]
    [InlineData("version 2", "its schema version is 2; this code reads versions 3 to 5")]
    [InlineData("version 6", "its schema version is 6; this code reads versions 3 to 5")]
    public void OpenReadOnly_AnythingElse_IsRefusedSayingWhy(string kind, string message)
    {
        var path = NewPath();
        switch (kind)
        {
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "short":
                File.WriteAllText(path, "SQLite format 3");
                break;
            case "header":
                File.WriteAllBytes(path, [.. "SQLite format 3\0"u8, .. Enumerable.Repeat((byte)0xA5, 1008)]);
                break;
            case "three tables":
                SqliteDatabase.Open(path);
                Sql(path, "DROP TABLE audit_tip");
                break;
            case "version 2":
            case "version 6":
                SqliteDatabase.Open(path);
                Sql(path, $"UPDATE schema_version SET version = {kind[^1]}");
                break;
        }

        Assert.Throws<ArgumentException>(() => SqliteDatabase.OpenReadOnly(""));
        Assert.Equal(message, Assert.Throws<InvalidDataException>(() => SqliteDatabase.OpenReadOnly(path)).Message);
    }

    [Fact]
    public void Connect_WaitsForOtherWriters_ReadWriteEnforcesReferences_ReadOnlyRefusesWrites()
    {
        var path = NewPath();
        var database = SqliteDatabase.Open(path);

        using (var connection = database.Connect())
        {
            Assert.Equal(("5000", "1", "0"), (Pragma(connection, "busy_timeout"), Pragma(connection, "foreign_keys"), Pragma(connection, "query_only")));
        }

        using var readOnly = SqliteDatabase.OpenReadOnly(path).Connect();
        Assert.Equal(("5000", "1"), (Pragma(readOnly, "busy_timeout"), Pragma(readOnly, "query_only")));
        using var write = readOnly.CreateCommand();
        write.CommandText = "DELETE FROM audit_tip";
        Assert.Throws<SqliteException>(() => write.ExecuteNonQuery());
    }

    [Fact]
    public void ReadRows_AllOfAKindOrOne_ByKindThenId()
    {
        var path = NewPath();
        var database = SqliteDatabase.Open(path);
        Sql(path, "INSERT INTO records (kind, id, version, key_id, body) VALUES ('visit', 'b', 1, NULL, 'vb'), ('consent', 'z', 3, 'k1', 'cz'), ('visit', 'a', 2, NULL, 'va'), ('consent', 'y', 1, NULL, 'cy')");
        using var connection = database.Connect();

        Assert.Equal(
            [new RecordRow("consent", "y", 1, null, "cy"), new RecordRow("consent", "z", 3, "k1", "cz"), new RecordRow("visit", "a", 2, null, "va"), new RecordRow("visit", "b", 1, null, "vb")],
            database.ReadRows(connection, null));
        Assert.Equal(["a", "b"], database.ReadRows(connection, null, "visit").Select(r => r.Id));
        Assert.Equal([new RecordRow("consent", "z", 3, "k1", "cz")], database.ReadRows(connection, null, "consent", "z"));
        Assert.Empty(database.ReadRows(connection, null, "consent", "a"));
    }
}
