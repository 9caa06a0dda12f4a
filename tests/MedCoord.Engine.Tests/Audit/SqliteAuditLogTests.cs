using MedCoord.Engine.Audit;
using MedCoord.Engine.Storage;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Audit;

/// <summary>The audit log's table: what an append stores, who may append to a keyed chain, and how unreadable rows are named.</summary>
public sealed class SqliteAuditLogTests : IDisposable
{
    private static readonly EngineKey AuditKey = EngineKey.FromBytes(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
    private static readonly EngineKey OtherKey = EngineKey.FromBytes(new byte[32]);
    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-log-").FullName;
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 12, 7, 16, 0), Duration.FromMinutes(1));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private (SqliteAuditLog Log, string Path) NewLog(EngineKey? key, int entries)
    {
        var path = Path.Combine(_dir, $"engine-{Guid.NewGuid():N}.db");
        var log = new SqliteAuditLog(SqliteDatabase.Open(path), _clock, key);
        for (var i = 1; i <= entries; i++)
        {
            log.Append("desk-1", "consent", $"consent-{i}", "Consent.Given");
        }

        return (log, path);
    }

    private SqliteAuditLog Reopen(string path, EngineKey? key) => new(SqliteDatabase.Open(path), _clock, key);

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

    /// <summary>Recreates a table without its NOT NULL constraints, as someone editing the file could.</summary>
    private static void Unconstrain(string path, string table, string columns) =>
        Query(path, $"CREATE TABLE loose ({columns}); INSERT INTO loose SELECT * FROM {table}; DROP TABLE {table}; ALTER TABLE loose RENAME TO {table}");

    [Fact]
    public void Create_NeedsADatabaseAndAClock()
    {
        var database = SqliteDatabase.Open(Path.Combine(_dir, "x.db"));

        Assert.Equal("database", Assert.Throws<ArgumentNullException>(() => new SqliteAuditLog(null!, _clock)).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => new SqliteAuditLog(database, null!)).ParamName);
    }

    [Theory]
    [InlineData(" ", "consent", "consent-1", "Consent.Given", "actor")]
    [InlineData("desk-1", "", "consent-1", "Consent.Given", "entityType")]
    [InlineData("desk-1", "consent", " ", "Consent.Given", "entityId")]
    [InlineData("desk-1", "consent", "consent-1", "", "action")]
    public void Append_ABlankField_IsRefusedAndNothingIsWritten(string actor, string entityType, string entityId, string action, string parameter)
    {
        var (log, _) = NewLog(null, 1);

        Assert.Equal(parameter, Assert.Throws<ArgumentException>(() => log.Append(actor, entityType, entityId, action)).ParamName);
        Assert.Single(log.Read());
    }

    [Fact]
    public void Append_StoresAFormat2EntryCommittingToNothing_AndTheTip()
    {
        var (log, path) = NewLog(null, 0);

        var first = log.Append("desk-1", "consent", "consent-1", "Consent.Given");
        var second = log.Append("desk-2", "visit", "visit-1", "Visit.Booked");

        Assert.Equal(
            [new AuditEntry(1, Instant.FromUtc(2026, 12, 7, 16, 0), "desk-1", "consent", "consent-1", "Consent.Given", AuditEntry.GenesisHash, first.Hash) { Format = 2 },
             new AuditEntry(2, Instant.FromUtc(2026, 12, 7, 16, 1), "desk-2", "visit", "visit-1", "Visit.Booked", first.Hash, second.Hash) { Format = 2 }],
            log.Read());
        Assert.Equal(first.ExpectedHash(null), first.Hash);
        Assert.Equal(
            [$"2|2026-12-07T16:01:00Z|desk-2|visit|visit-1|Visit.Booked|{first.Hash}|{second.Hash}|2|NULL|NULL"],
            Query(path, "SELECT * FROM audit_log WHERE sequence = 2"));
        Assert.Equal([$"1|2|{second.Hash}"], Query(path, "SELECT * FROM audit_tip"));
    }

    [Fact]
    public void Append_WithTheKey_KeysEveryNewEntry_AfterUnkeyedOnes()
    {
        var (_, path) = NewLog(null, 2);
        var log = Reopen(path, AuditKey);

        var keyed = log.Append("desk-1", "consent", "consent-3", "Consent.Given");

        Assert.Equal((3L, AuditKey.Id, keyed.ExpectedHash(AuditKey)), (keyed.Sequence, keyed.KeyId, keyed.Hash));
        Assert.Equal([null, null, AuditKey.Id], log.Read().Select(e => e.KeyId));
        Assert.Equal(new AuditVerification(true, 3, null, null) { Head = $"3:{keyed.Hash}" }, log.Verify());
        Assert.Equal(new AuditVerification(true, 3, null, null) { Head = $"3:{keyed.Hash}", UncheckedEntries = 1 }, Reopen(path, null).Verify());
    }

    [Fact]
    public void Append_ToAKeyedChainWithoutItsKey_IsRefusedNamingTheKeys_AndNothingIsWritten()
    {
        var (_, path) = NewLog(AuditKey, 2);

        var none = Assert.Throws<EngineKeyException>(() => Reopen(path, null).Append("desk-1", "consent", "consent-3", "Consent.Given"));
        var other = Assert.Throws<EngineKeyException>(() => Reopen(path, OtherKey).Append("desk-1", "consent", "consent-3", "Consent.Given"));

        Assert.Equal(
            ($"The audit chain of this database is keyed with audit key {AuditKey.Id}; no audit key was given, so nothing can be recorded.", AuditKey.Id),
            (none.Message, none.KeyId));
        Assert.Equal($"The audit chain of this database is keyed with audit key {AuditKey.Id}; the audit key given is {OtherKey.Id}, so nothing can be recorded.", other.Message);
        Assert.Equal(2, Reopen(path, AuditKey).Read().Count);
        Assert.Equal(3L, Reopen(path, AuditKey).Append("desk-1", "consent", "consent-3", "Consent.Given").Sequence);
    }

    [Fact]
    public void ReadAndVerify_AnUnreadableTime_NameTheEntry()
    {
        var (log, path) = NewLog(null, 4);
        Query(path, "UPDATE audit_log SET at = '7 Dec 2026' WHERE sequence = 3");

        var error = Assert.Throws<FormatException>(log.Read);

        Assert.Equal("The audit log cannot be read: entry 3 has an unreadable time: edited.", error.Message);
        Assert.Equal(new AuditVerification(false, 2, 3, "entry 3 has an unreadable time: edited"), log.Verify());
    }

    [Fact]
    public void Verify_AnEditBeforeAnUnreadableRow_IsNamedFirst()
    {
        var (log, path) = NewLog(null, 4);
        Query(path, "UPDATE audit_log SET at = '7 Dec 2026' WHERE sequence = 3; UPDATE audit_log SET actor = 'desk-9' WHERE sequence = 2");

        Assert.Equal(new AuditVerification(false, 1, 2, "entry 2 does not match its hash: edited"), log.Verify());
    }

    [Theory]
    [InlineData("UPDATE audit_log SET format = 3000000000 WHERE sequence = 2")]
    [InlineData("UPDATE audit_log SET action = NULL WHERE sequence = 2")]
    [InlineData("UPDATE audit_log SET hash = NULL WHERE sequence = 2")]
    public void Verify_AMissingOrMistypedColumn_NamesTheEntry(string tamper)
    {
        var (log, path) = NewLog(null, 3);
        Unconstrain(path, "audit_log", "sequence INTEGER PRIMARY KEY, at, actor, entity_type, entity_id, action, previous_hash, hash, format, content, key_id");
        Query(path, tamper);

        Assert.Equal(new AuditVerification(false, 1, 2, "entry 2 has a missing or mistyped column: edited"), log.Verify());
        Assert.Equal("The audit log cannot be read: entry 2 has a missing or mistyped column: edited.", Assert.Throws<FormatException>(log.Read).Message);
    }

    [Fact]
    public void Verify_ARecordRowWithAMissingColumn_IsNamedAsAnEdit()
    {
        var (log, path) = NewLog(null, 2);
        Unconstrain(path, "records", "kind, id, version, body, key_id, indexed, patient_id, open, due_at, ref");
        Query(path, "INSERT INTO records (kind, id, version, body, key_id) VALUES ('consent', 'consent-1', 1, NULL, NULL)");

        Assert.Equal(new AuditVerification(false, 2, null, "a row of the records table has a missing or mistyped column: edited outside the engine"), log.Verify());
    }

    [Theory]
    [InlineData("DELETE FROM audit_tip", 0L, "the log ends at entry 3 but entry 0 was written last: entries at the end were deleted or replaced")]
    [InlineData("UPDATE audit_tip SET hash = previous_hash FROM audit_log WHERE audit_log.sequence = 3", 3L, "the log ends at entry 3 but entry 3 was written last: entries at the end were deleted or replaced")]
    [InlineData("DELETE FROM audit_log WHERE sequence = 3", 3L, "the log ends at entry 2 but entry 3 was written last: entries at the end were deleted or replaced")]
    public void Verify_TheTipAndTheLogDisagree_NamesWhere(string tamper, long firstBad, string problem)
    {
        var (log, path) = NewLog(AuditKey, 3);
        Query(path, tamper);

        var result = log.Verify();

        Assert.Equal((false, firstBad, problem), (result.Intact, result.FirstBadSequence!.Value, result.Problem));
    }

    [Fact]
    public void ReadAndVerify_Schema3ReadOnly_SeesEntriesOfFormat1AndChangesNothing()
    {
        var path = Path.Combine(_dir, "schema3.db");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "demo-schema3.db"), path);
        var bytes = File.ReadAllBytes(path);
        var log = new SqliteAuditLog(SqliteDatabase.OpenReadOnly(path), _clock);

        var entries = log.Read();
        var result = log.Verify();

        Assert.Equal(48, entries.Count);
        Assert.All(entries, e => Assert.Equal((1, (string?)null, (string?)null), (e.Format, e.Content, e.KeyId)));
        Assert.Equal(("dr-lopez", "referral", "ref-derm", "Referral.Draft", "e34301d4c3f8c9ea31d1a594ca90cb2764a584aed53b97e85a3aae2bc1eb48d5"), (entries[0].Actor, entries[0].EntityType, entries[0].EntityId, entries[0].Action, entries[0].Hash));
        Assert.Equal(
            new AuditVerification(true, 48, null, null) { Head = "48:5501632e7fe95ea28b572ed48d30763f693dd2f2e0e03b92a36e5dc05e27778a", Records = 20, UnprovenRecords = 20 },
            result);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }
}
