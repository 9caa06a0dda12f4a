using System.Text;
using FsCheck;
using FsCheck.Xunit;
using MedCoord.Engine.Audit;
using MedCoord.Engine.Billing;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Tests.Billing;
using MedCoord.Engine.Visits;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Xunit;
using MedCoord.Engine.Tests.Storage;

namespace MedCoord.Engine.Tests.Audit;

/// <summary>
/// Records encrypted at rest, an audit chain keyed and committing to every record version it wrote, records checked
/// against it, reads recorded, databases of schema version 3 migrated, and verification that changes nothing.
/// </summary>
public sealed class ProvenRecordsTests : IDisposable
{
    private static readonly EngineKey DataKey = EngineKey.FromBytes(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly EngineKey AuditKey = EngineKey.FromBytes(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
    private static readonly EngineKey OtherKey = EngineKey.FromBytes(new byte[32]);
    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-proven-").FullName;
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 12, 7, 16, 0), Duration.FromSeconds(1));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string NewPath() => Path.Combine(_dir, $"engine-{Guid.NewGuid():N}.db");

    private SqliteEngineStore Store(string path) => Store(path, DataKey, AuditKey);

    private SqliteEngineStore Store(string path, EngineKey? data, EngineKey? audit, params EngineKey[] previous)
    {
        var database = SqliteDatabase.Open(path);
        return new SqliteEngineStore(database, new SqliteAuditLog(database, _clock, audit), data, previous);
    }

    private static Claim SampleClaim() => ClaimTests.Sample().Claims[0];

    private static void Sql(string path, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    private static AuditVerification VerifyReadOnly(string path, EngineKey? key) =>
        new SqliteAuditLog(SqliteDatabase.OpenReadOnly(path), new FakeClock(Instant.MinValue), key).Verify();

    [Fact]
    public void Commit_WithADataKey_TheFileHoldsNoPatientDataInClear_AndReadsBack()
    {
        var (encrypted, clear) = (NewPath(), NewPath());
        var claim = SampleClaim();
        var withKey = new SqliteEngineStore(SqliteDatabase.Open(encrypted), new SqliteAuditLog(SqliteDatabase.Open(encrypted), _clock, AuditKey), DataKey);
        var withoutKey = new SqliteEngineStore(SqliteDatabase.Open(clear), new SqliteAuditLog(SqliteDatabase.Open(clear), _clock));

        withKey.Commit([StoreChange.Of(claim.Id, claim, 0, "billing-1", "Claim.Draft")]);
        withoutKey.Commit([StoreChange.Of(claim.Id, claim, 0, "billing-1", "Claim.Draft")]);
        SqliteConnection.ClearAllPools();

        // As JSON string values (quoted): a quote is never part of the encrypted base64, where a short name could appear by chance.
        string[] patientData = [.. new[] { claim.Patient.LastName, claim.Patient.FirstName, "1968-04-12", claim.Patient.Address.Line1 }.Select(v => $"\"{v}\"")];
        var encryptedText = Encoding.UTF8.GetString(File.ReadAllBytes(encrypted));
        Assert.All(patientData, value => Assert.DoesNotContain(value, encryptedText));
        Assert.All(patientData, value => Assert.Contains(value, Encoding.UTF8.GetString(File.ReadAllBytes(clear))));
        Assert.Equal(claim.Patient, withKey.Find<Claim>(claim.Id)!.Value.Patient);
        Assert.True(withKey.VerifyAudit().Intact);
    }

    [Fact]
    public void Find_WithAWrongOrMissingDataKey_ThrowsNamingTheKeyIdsAndNoData()
    {
        var path = NewPath();
        var claim = SampleClaim();
        Store(path).Commit([StoreChange.Of(claim.Id, claim, 0, "billing-1", "Claim.Draft")]);

        var wrong = Assert.Throws<EngineKeyException>(() => Store(path, OtherKey, AuditKey).Find<Claim>(claim.Id));
        var missing = Assert.Throws<EngineKeyException>(() => Store(path, null, AuditKey).List<Claim>());

        Assert.Equal(DataKey.Id, wrong.KeyId);
        Assert.Equal($"The claim '{claim.Id}' is encrypted with data key {DataKey.Id}; the data keys given are {OtherKey.Id}.", wrong.Message);
        Assert.Equal($"The claim '{claim.Id}' is encrypted with data key {DataKey.Id}; no data key was given.", missing.Message);
    }

    [Fact]
    public void Rotation_AnOldKeyKeptForReading_OpensOldRecordsAndTheNextWriteUsesTheNewKey()
    {
        var path = NewPath();
        var consent = new Consent("consent-1", "pat-1", "treatment", _clock.GetCurrentInstant(), null, null);
        Store(path, OtherKey, AuditKey).Commit([StoreChange.Of(consent.Id, consent, 0, "desk-1", "Consent.Given")]);
        var rotated = Store(path, DataKey, AuditKey, OtherKey);

        var read = rotated.Find<Consent>("consent-1")!;
        rotated.Commit([StoreChange.Of(consent.Id, consent with { Scope = "telehealth" }, read.Version, "desk-1", "Consent.Changed")]);

        Assert.Equal(consent, read.Value);
        Assert.Equal("telehealth", Store(path).Find<Consent>("consent-1")!.Value.Scope);
        Assert.True(rotated.VerifyAudit().Intact);
    }

    [Theory]
    [InlineData("edit", "the consent 'consent-1' is not what entry 2 wrote (version 2): edited outside the engine", 2L)]
    [InlineData("delete", "the consent 'consent-1' that entry 2 wrote (version 2) is missing: deleted outside the engine", 2L)]
    [InlineData("insert", "the consent 'consent-9' was written by no audit entry: added outside the engine", null)]
    [InlineData("rollback", "the consent 'consent-1' is not what entry 2 wrote (version 2): edited outside the engine", 2L)]
    public void Verify_RecordChangedOutsideTheEngine_NamesTheRecord(string tamper, string problem, long? entry)
    {
        var path = NewPath();
        var store = Store(path);
        var consent = new Consent("consent-1", "pat-1", "treatment", _clock.GetCurrentInstant(), null, null);
        store.Commit([StoreChange.Of(consent.Id, consent, 0, "desk-1", "Consent.Given")]);
        string firstBody;
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT body FROM records";
            firstBody = (string)read.ExecuteScalar()!;
        }

        store.Commit([StoreChange.Of(consent.Id, consent with { RevokedAt = _clock.GetCurrentInstant() }, 1, "desk-1", "Consent.Revoked")]);
        Assert.True(VerifyReadOnly(path, AuditKey).Intact);

        Sql(path, tamper switch
        {
            "edit" => "UPDATE records SET body = substr(body, 1, 10) || (CASE substr(body, 11, 1) WHEN 'A' THEN 'B' ELSE 'A' END) || substr(body, 12)",
            "delete" => "DELETE FROM records",
            "insert" => "INSERT INTO records (kind, id, version, key_id, body) SELECT kind, 'consent-9', version, key_id, body FROM records",
            _ => "UPDATE records SET body = $old",
        }, ("$old", firstBody));
        var result = VerifyReadOnly(path, AuditKey);

        Assert.False(result.Intact);
        Assert.Equal(problem, result.Problem);
        Assert.Equal(entry, result.FirstBadSequence);
    }

    [Fact]
    public void Verify_ChainRecomputedWithoutTheKey_FailsWithTheKeyAndIsStructureOnlyWithout()
    {
        var path = NewPath();
        var store = Store(path);
        for (var i = 1; i <= 3; i++)
        {
            store.Commit([StoreChange.Of($"consent-{i}", new Consent($"consent-{i}", "pat-1", "treatment", _clock.GetCurrentInstant(), null, null), 0, "desk-1", "Consent.Given")]);
        }

        // Whoever can write the file but has no key drops entry 2 and its record, and recomputes the rest unkeyed.
        var kept = store.AuditTrail().Where(e => e.Sequence != 2).ToList();
        Sql(path, "DELETE FROM audit_log; DELETE FROM records WHERE id = 'consent-2'");
        var previous = AuditEntry.GenesisHash;
        for (var i = 0; i < kept.Count; i++)
        {
            var e = AuditEntry.Create(i + 1, kept[i].At, kept[i].Actor, kept[i].EntityType, kept[i].EntityId, kept[i].Action, kept[i].Content, previous, null);
            Sql(path, "INSERT INTO audit_log (sequence, at, actor, entity_type, entity_id, action, previous_hash, hash, format, content, key_id) VALUES ($s, $at, 'desk-1', 'consent', $id, 'Consent.Given', $p, $h, 2, $c, NULL); UPDATE audit_tip SET sequence = $s, hash = $h",
                ("$s", e.Sequence), ("$at", NodaTime.Text.InstantPattern.ExtendedIso.Format(e.At)), ("$id", e.EntityId), ("$p", e.PreviousHash), ("$h", e.Hash), ("$c", e.Content!));
            previous = e.Hash;
        }

        var withKey = VerifyReadOnly(path, AuditKey);
        var withoutKey = VerifyReadOnly(path, null);

        Assert.Equal((false, 2L, "entry 2, the last, is not keyed although the audit key was given: the chain was written or rewritten without the key"), (withKey.Intact, withKey.FirstBadSequence!.Value, withKey.Problem));
        Assert.True(withoutKey.Intact);
        Assert.Equal(0, withoutKey.UncheckedEntries);
    }

    [Fact]
    public void Verify_AnotherAuditKey_ThrowsNamingBothKeyIds_AndAWriteWithoutTheKeyIsRefused()
    {
        var path = NewPath();
        Store(path).Commit([StoreChange.Of("consent-1", new Consent("consent-1", "pat-1", "treatment", _clock.GetCurrentInstant(), null, null), 0, "desk-1", "Consent.Given")]);

        var wrong = Assert.Throws<EngineKeyException>(() => VerifyReadOnly(path, OtherKey));
        var unkeyedWrite = Assert.Throws<EngineKeyException>(() => Store(path, DataKey, null).Commit(
            [StoreChange.Of("consent-2", new Consent("consent-2", "pat-1", "treatment", _clock.GetCurrentInstant(), null, null), 0, "desk-1", "Consent.Given")]));
        var structureOnly = VerifyReadOnly(path, null);

        Assert.Equal($"The audit chain is keyed with audit key {AuditKey.Id}; the audit key given is {OtherKey.Id}.", wrong.Message);
        Assert.Equal(AuditKey.Id, unkeyedWrite.KeyId);
        Assert.Null(Store(path).Find<Consent>("consent-2"));
        Assert.Equal((true, 1L), (structureOnly.Intact, structureOnly.UncheckedEntries));
    }

    [Fact]
    public void Open_DatabaseOfSchemaVersion3_MigratesAndItsOldEntriesVerifyAsTheyAre()
    {
        var path = NewPath();
        File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "demo-schema3.db"), path);

        var before = VerifyReadOnly(path, AuditKey);
        var store = Store(path);
        var migrated = store.VerifyAudit();
        var consent = store.Find<Consent>("consent-a")!;
        store.Commit([StoreChange.Of(consent.Value.Id, consent.Value with { RevokedAt = _clock.GetCurrentInstant() }, consent.Version, "desk-1", "Consent.Revoked")]);
        var after = store.VerifyAudit();

        Assert.Equal((true, 48L, 20L, 20L), (before.Intact, before.Entries, before.Records, before.UnprovenRecords));
        Assert.Equal((true, 48L), (migrated.Intact, migrated.Entries));
        Assert.Equal((true, 49L, 19L), (after.Intact, after.Entries, after.UnprovenRecords));
        Assert.Equal(AuditKey.Id, store.AuditTrail()[^1].KeyId);
        Assert.All(store.AuditTrail().Take(48), e => Assert.Equal((1, (string?)null), (e.Format, e.KeyId)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("foreign")]
    [InlineData("text")]
    public void OpenReadOnly_NotAnEngineDatabase_IsRefusedAndTheFileIsUnchanged(string kind)
    {
        var path = NewPath();
        if (kind == "foreign")
        {
            Sql(path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('x')");
        }
        else
        {
            File.WriteAllText(path, kind);
        }

        var bytes = File.ReadAllBytes(path);

        var error = Assert.Throws<InvalidDataException>(() => SqliteDatabase.OpenReadOnly(path));

        Assert.Equal(kind == "foreign" ? "it is not a MedCoord engine database (its tables are missing)" : "it is not a SQLite database", error.Message);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task Reads_ThroughTheEngine_AreRecordedOneEntryPerOperation()
    {
        var path = NewPath();
        var engine = CoordinationEngine.Over(Store(path), _clock, Options.Create(new EngineOptions()));
        await engine.Visits.RecordConsentAsync(new Consent("consent-1", "pat-1", "treatment", _clock.GetCurrentInstant(), null, null), "desk-1");
        await engine.Results.ReceiveAsync(new IncomingResult("res-1", "pat-2", "dr-a", "lipids", ResultStatus.Final, Abnormal: false), "lab");
        await engine.Referrals.CreateAsync(ReferralLifecycle.Draft("ref-1", "pat-1", "dr-a", "cardiology", ReferralPriority.Routine, _clock), "dr-a");
        var before = engine.Store.AuditTrail().Count;

        var chart = await engine.Records.PatientRecordsAsync("pat-1", "nurse-7");
        await engine.Records.ReadAsync<ResultThread>("res-1", "dr-b");
        await engine.Worklist.GetAsync("coord-1");

        var reads = engine.Store.AuditTrail().Skip(before).ToList();
        Assert.Equal([("nurse-7", "pat-1", "Read.PatientRecords"), ("dr-b", "pat-2", "Read.Record.result"), ("coord-1", "-", "Read.Worklist")],
            reads.Select(e => (e.Actor, e.EntityId, e.Action)));
        Assert.Equal("""{"patients":["pat-1"],"records":["consent:consent-1","referral:ref-1"]}""", reads[0].Content);
        Assert.Equal((1, 1), (chart.Consents.Count, chart.Referrals.Count));
        Assert.Equal(["nurse-7"], (await engine.Records.ReadsOfAsync("pat-1")).Select(e => e.Actor));
        Assert.True(engine.Store.VerifyAudit().Intact);
    }

    /// <summary>Random operations through the engine: the chain always verifies; then any byte changed in any row of <c>records</c> or <c>audit_log</c> is caught.</summary>
    [Property(MaxTest = 12)]
    public async Task Verify_RandomOperationsThenAnyChangedByte_IsCaught(NonEmptyArray<byte> operations, PositiveInt row, PositiveInt column, PositiveInt position, bool inRecords)
    {
        var path = NewPath();
        var engine = CoordinationEngine.Over(Store(path), _clock, Options.Create(new EngineOptions()));
        var n = 0;
        foreach (var op in operations.Get.Take(8))
        {
            n++;
            switch (op % 5)
            {
                case 0:
                    await engine.Visits.RecordConsentAsync(new Consent($"consent-{op % 3}", $"pat-{op % 2}", "treatment", _clock.GetCurrentInstant(), null, op % 2 == 0 ? null : _clock.GetCurrentInstant()), "desk-1");
                    break;
                case 1:
                    await engine.Results.ReceiveAsync(new IncomingResult($"res-{n}", $"pat-{op % 2}", "dr-a", "lipids", ResultStatus.Final, op % 2 == 0), "lab");
                    break;
                case 2:
                    await engine.Referrals.CreateAsync(ReferralLifecycle.Draft($"ref-{n}", $"pat-{op % 2}", "dr-a", "cardiology", ReferralPriority.Routine, _clock), "dr-a");
                    await engine.Referrals.MoveAsync($"ref-{n}", ReferralStatus.Sent, "dr-a", "sent");
                    break;
                case 3:
                    await engine.Records.PatientRecordsAsync($"pat-{op % 2}", "nurse-1");
                    break;
                default:
                    await engine.Worklist.GetAsync("coord-1");
                    break;
            }

            Assert.True(engine.Store.VerifyAudit().Intact);
        }

        var table = inRecords ? "records" : "audit_log";
        var columns = inRecords ? new[] { "kind", "id", "version", "key_id", "body" } : ["sequence", "at", "actor", "entity_type", "entity_id", "action", "previous_hash", "hash", "format", "content", "key_id"];
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var read = connection.CreateCommand();
            read.CommandText = $"SELECT rowid, {string.Join(", ", columns)} FROM {table}";
            var rows = new List<object[]>();
            using (var reader = read.ExecuteReader())
            {
                while (reader.Read())
                {
                    var values = new object[columns.Length + 1];
                    reader.GetValues(values);
                    rows.Add(values);
                }
            }

            if (rows.Count == 0)
            {
                return;
            }

            var chosen = rows[row.Get % rows.Count];
            var candidates = Enumerable.Range(1, columns.Length).Where(c => chosen[c] is not DBNull).ToList();
            var c = candidates[column.Get % candidates.Count];
            object changed = chosen[c] switch
            {
                long number => number + 1_000_003,
                string text => ChangeOneCharacter(text, position.Get % text.Length),
                var other => throw new InvalidOperationException($"unexpected {other.GetType()}"),
            };
            using var write = connection.CreateCommand();
            write.CommandText = $"UPDATE {table} SET {columns[c - 1]} = $value WHERE rowid = $rowid";
            write.Parameters.AddWithValue("$value", changed);
            write.Parameters.AddWithValue("$rowid", chosen[0]);
            write.ExecuteNonQuery();
        }

        Assert.False(VerifyReadOnly(path, AuditKey).Intact);
    }

    private static string ChangeOneCharacter(string text, int at) => string.Concat(text.AsSpan(0, at), text[at] == 'a' ? "b" : "a", text.AsSpan(at + 1));
}
