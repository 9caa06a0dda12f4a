using System.Text.Json;
using MedCoord.Engine.Audit;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Results;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Storage;

/// <summary>The contract every engine store keeps; run against SQLite and against memory.</summary>
public abstract class EngineStoreContractTests
{
    protected static readonly FakeClock Clock = new(Instant.FromUtc(2026, 11, 2, 9, 0), Duration.FromSeconds(1));

    private protected abstract IEngineStore Store { get; }

    private static Consent Consent(string id = "consent-1", Instant? revoked = null) =>
        new(id, "pat-1", "treatment", Instant.FromUtc(2026, 1, 1, 0, 0), Instant.FromUtc(2027, 1, 1, 0, 0), revoked);

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, StoreKinds.Json);

    [Fact]
    public async Task FindMany_ReturnsTheRecordsThatExist_OncePerId_ByIdOfOneKind()
    {
        Store.Commit([StoreChange.Of("consent-2", Consent("consent-2"), 0, "desk-1", "Consent.Given"), StoreChange.Of("consent-1", Consent(), 0, "desk-1", "Consent.Given")]);
        var ids = Enumerable.Range(0, 1200).Select(i => $"missing-{i}").Concat(["consent-2", "consent-1", "consent-2"]).ToList();

        var found = await Store.FindManyAsync<Consent>(ids, CancellationToken.None);

        Assert.Equal([("consent-1", 1L), ("consent-2", 1L)], found.Select(f => (f.Value.Id, f.Version)));
        Assert.Empty(await Store.FindManyAsync<Visit>(["consent-1"], CancellationToken.None));
        Assert.Empty(await Store.FindManyAsync<Consent>([], CancellationToken.None));
    }

    [Fact]
    public void Commit_NewRecords_AreFoundAtVersionOneAndListedById()
    {
        Store.Commit([StoreChange.Of("consent-2", Consent("consent-2"), 0, "desk-1", "Consent.Given"), StoreChange.Of("consent-1", Consent(), 0, "desk-1", "Consent.Given")]);

        var found = Store.Find<Consent>("consent-1");

        Assert.Equal(new Stored<Consent>(Consent(), 1), found);
        Assert.Equal(["consent-1", "consent-2"], Store.List<Consent>().Select(c => c.Value.Id));
        Assert.Null(Store.Find<Consent>("consent-9"));
        Assert.Null(Store.Find<Visit>("consent-1"));
    }

    [Fact]
    public void Commit_ChangeReadAtItsVersion_IsSavedAndAStaleOneIsRefusedLeavingEverythingAsItWas()
    {
        Store.Commit([StoreChange.Of("consent-1", Consent(), 0, "desk-1", "Consent.Given")]);
        var revoked = Consent(revoked: Instant.FromUtc(2026, 6, 1, 0, 0));
        Store.Commit([StoreChange.Of("consent-1", revoked, 1, "desk-2", "Consent.Revoked")]);
        var auditBefore = Store.AuditTrail().Count;

        var stale = Assert.Throws<StoreConcurrencyException>(() => Store.Commit([StoreChange.Of("consent-1", Consent(), 1, "desk-3", "Consent.Edited")]));
        var again = Assert.Throws<StoreConcurrencyException>(() => Store.Commit([StoreChange.Of("consent-1", Consent(), 0, "desk-3", "Consent.Given")]));

        Assert.Equal((1L, 2L), (stale.ExpectedVersion, stale.StoredVersion));
        Assert.Equal((0L, 2L), (again.ExpectedVersion, again.StoredVersion));
        Assert.Contains("read it again and retry", stale.Message);
        Assert.Equal(new Stored<Consent>(revoked, 2), Store.Find<Consent>("consent-1"));
        Assert.Equal(auditBefore, Store.AuditTrail().Count);
    }

    [Fact]
    public void Commit_OneStaleChangeAmongSeveral_SavesNone()
    {
        Store.Commit([StoreChange.Of("consent-1", Consent(), 0, "desk-1", "Consent.Given")]);

        Assert.Throws<StoreConcurrencyException>(() => Store.Commit(
            [StoreChange.Of("consent-2", Consent("consent-2"), 0, "desk-1", "Consent.Given"), StoreChange.Of("consent-1", Consent(), 0, "desk-1", "Consent.Given")]));

        Assert.Null(Store.Find<Consent>("consent-2"));
        Assert.Single(Store.AuditTrail());
    }

    [Fact]
    public void Commit_RecordsEveryActionInTheAuditTrailWhichVerifies()
    {
        Store.Commit([StoreChange.Of("visit-1", new Visit("visit-1", "pat-1", "new-patient", Clock.GetCurrentInstant(), VisitStatus.Booked, []), 0, "scheduler", "Visit.Booked")]);
        Store.Commit([StoreChange.Of("consent-1", Consent(), 0, "desk-1", "Consent.Given", "Consent.Scanned")]);

        var trail = Store.AuditTrail();

        Assert.Equal([("scheduler", "visit", "visit-1", "Visit.Booked"), ("desk-1", "consent", "consent-1", "Consent.Given"), ("desk-1", "consent", "consent-1", "Consent.Scanned")],
            trail.Select(e => (e.Actor, e.EntityType, e.EntityId, e.Action)));
        Assert.Equal([1L, 2L, 3L], trail.Select(e => e.Sequence));
        Assert.True(Store.VerifyAudit().Intact);
    }

    [Fact]
    public void Commit_BadChanges_AreRefusedNamingWhatIsWrong()
    {
        Assert.Contains("does not store records of type String", Assert.Throws<ArgumentException>(() => StoreChange.Of("x", "text", 0, "a", "A")).Message);
        Assert.Contains("at least one action", Assert.Throws<ArgumentException>(() => Store.Commit([StoreChange.Of("consent-1", Consent(), 0, "desk-1")])).Message);
        Assert.Contains("holds a Consent, not a Visit", Assert.Throws<ArgumentException>(() => Store.Commit([new StoreChange("visit", "v", Consent(), 0, "a", ["A"])])).Message);
        Assert.Empty(Store.AuditTrail());
    }

    [Fact]
    public void Commit_WithReads_GoesThroughOnlyIfEveryReadRecordIsStillAtItsVersion()
    {
        Store.Commit([StoreChange.Of("consent-1", Consent(), 0, "desk-1", "Consent.Given")]);
        var read = StoreRead.Of("consent-1", Store.Find<Consent>("consent-1"));
        var absent = StoreRead.Of<Visit>("visit-1", null);

        var stale = Assert.Throws<StoreConcurrencyException>(() => Store.Commit([StoreChange.Of("consent-2", Consent("consent-2"), 0, "desk-1", "Consent.Given")], [absent, read with { Version = 2 }]));
        var appeared = Assert.Throws<StoreConcurrencyException>(() => Store.Commit([StoreChange.Of("consent-2", Consent("consent-2"), 0, "desk-1", "Consent.Given")], [StoreRead.Of<Consent>("consent-1", null)]));
        Assert.Equal((new StoreRead("consent", "consent-1", 1), new StoreRead("visit", "visit-1", 0)), (read, absent));
        Assert.Equal(("consent", "consent-1", 2L, 1L), (stale.Kind, stale.Id, stale.ExpectedVersion, stale.StoredVersion));
        Assert.Equal("The consent 'consent-1' was changed by someone else (stored version 1, this change was based on 0); nothing was saved: read it again and retry.", appeared.Message);
        Assert.Null(Store.Find<Consent>("consent-2"));
        Assert.Single(Store.AuditTrail());

        Store.Commit([StoreChange.Of("consent-2", Consent("consent-2"), 0, "desk-1", "Consent.Given")], [read, absent]);

        Assert.Equal(1, Store.Find<Consent>("consent-2")!.Version);
    }

    [Fact]
    public void Commit_OneRecordTwiceInOneCommit_SavesBothVersionsInOrder()
    {
        var revoked = Consent(revoked: Instant.FromUtc(2026, 6, 1, 0, 0));

        Store.Commit([StoreChange.Of("consent-1", Consent(), 0, "desk-1", "Consent.Given"), StoreChange.Of("consent-1", revoked, 1, "desk-2", "Consent.Revoked")]);

        Assert.Equal(new Stored<Consent>(revoked, 2), Store.Find<Consent>("consent-1"));
        Assert.Equal(["Consent.Given", "Consent.Revoked"], Store.AuditTrail().Select(e => e.Action));
        Assert.Equal(new AuditVerification(true, 2, null, null) { Head = $"2:{Store.AuditTrail()[^1].Hash}", Records = 1 }, Store.VerifyAudit());
    }

    [Fact]
    public void Commit_EachEntryCommitsToTheVersionItWrote()
    {
        Store.Commit([StoreChange.Of("consent-1", Consent(), 0, "desk-1", "Consent.Given", "Consent.Scanned")]);
        Store.Commit([StoreChange.Of("consent-1", Consent(revoked: Instant.FromUtc(2026, 6, 1, 0, 0)), 1, "desk-1", "Consent.Revoked")]);

        var trail = Store.AuditTrail();

        Assert.Equal(["v1", "v1", "v2"], trail.Select(e => e.Content![..2]));
        Assert.All(trail, e => Assert.Equal((2, 67), (e.Format, e.Content!.Length)));
        Assert.Equal(trail[0].Content, trail[1].Content);
        Assert.Equal(new AuditVerification(true, 3, null, null) { Head = $"3:{trail[^1].Hash}", Records = 1 }, Store.VerifyAudit());
    }

    [Fact]
    public void RecordAccess_AppendsOneReadEntryNamingThePatientsAndRecords()
    {
        Store.RecordAccess("nurse-1", "Worklist", []);
        Store.RecordAccess("nurse-1", "PatientRecords", [new AccessedRecord("visit", "visit-2", "pat-1"), new AccessedRecord("consent", "consent-1", "pat-1"), new AccessedRecord("visit", "visit-2", "pat-1")]);
        Store.RecordAccess("coord-1", "DueMessages", [new AccessedRecord("outbox-message", "m-1", "pat-2"), new AccessedRecord("outbox-message", "m-2", "pat-10")]);

        var trail = Store.AuditTrail();

        Assert.Equal(
            [("nurse-1", "read", "-", "Read.Worklist", """{"patients":[],"records":[]}"""),
             ("nurse-1", "read", "pat-1", "Read.PatientRecords", """{"patients":["pat-1"],"records":["consent:consent-1","visit:visit-2"]}"""),
             ("coord-1", "read", "*", "Read.DueMessages", """{"patients":["pat-10","pat-2"],"records":["outbox-message:m-1","outbox-message:m-2"]}""")],
            trail.Select(e => (e.Actor, e.EntityType, e.EntityId, e.Action, e.Content)));
        Assert.Equal(["", "pat-1", "pat-10 pat-2"], trail.Select(e => string.Join(" ", AccessedRecord.PatientsOf(e))));
        Assert.Equal(new AuditVerification(true, 3, null, null) { Head = $"3:{trail[^1].Hash}" }, Store.VerifyAudit());
        Assert.Equal("actor", Assert.Throws<ArgumentException>(() => Store.RecordAccess(" ", "Worklist", [])).ParamName);
        Assert.Equal("operation", Assert.Throws<ArgumentException>(() => Store.RecordAccess("nurse-1", "", [])).ParamName);
        Assert.Throws<ArgumentNullException>(() => Store.RecordAccess("nurse-1", "Worklist", null!));
        Assert.Equal(3, Store.AuditTrail().Count);
    }

    [Fact]
    public void Commit_OneRecordTwiceFromTheSameVersion_SavesNothing()
    {
        var error = Assert.Throws<StoreConcurrencyException>(() => Store.Commit(
            [StoreChange.Of("consent-2", Consent("consent-2"), 0, "desk-1", "Consent.Given"), StoreChange.Of("consent-1", Consent(), 0, "desk-1", "Consent.Given"), StoreChange.Of("consent-1", Consent(), 0, "desk-2", "Consent.Given")]));

        Assert.Equal(("consent-1", 0L, 1L), (error.Id, error.ExpectedVersion, error.StoredVersion));
        Assert.Empty(Store.List<Consent>());
        Assert.Empty(Store.AuditTrail());
    }

    [Fact]
    public void List_IsInOrdinalOrderOfIds()
    {
        Store.Commit([StoreChange.Of("consent-b", Consent("consent-b"), 0, "desk-1", "Consent.Given"), StoreChange.Of("consent-a", Consent("consent-a"), 0, "desk-1", "Consent.Given"), StoreChange.Of("consent-B", Consent("consent-B"), 0, "desk-1", "Consent.Given")]);

        Assert.Equal(["consent-B", "consent-a", "consent-b"], Store.List<Consent>().Select(c => c.Value.Id));
    }

    [Fact]
    public void FindListAndCommit_RefuseMissingArguments()
    {
        Assert.Throws<ArgumentException>(() => Store.Find<Consent>(" "));
        Assert.Throws<ArgumentNullException>(() => Store.Commit(null!));
        Assert.Throws<ArgumentNullException>(() => Store.Commit([], null!));
        Assert.Empty(Store.List<Visit>());
    }

    /// <summary>Every kind of record comes back as it was saved (dates, periods, instants, enums, lists).</summary>
    [Fact]
    public void Commit_EveryKind_RoundTrips()
    {
        var plan = CarePlanLifecycle.Create("plan-1", "pat-1", [new CarePlanGoal("g1", "walk daily")],
            [new CareActivity("hba1c", ActivityKind.Recurring, "lab-draw", 3, Every: Period.FromMonths(3), ToleranceDays: 14, FirstDue: new LocalDate(2026, 12, 9)),
             new CareActivity("consult", ActivityKind.OneOff, "consult", DueBy: new LocalDate(2027, 1, 31), After: [new ActivityLink("hba1c", 120, 1440)])],
            "coord-1", Clock);
        var visit = VisitDesk.Move(new Visit("visit-1", "pat-1", "new-patient", Clock.GetCurrentInstant(), VisitStatus.Booked, []), VisitStatus.Arrived, "desk-1", Clock);
        var result = ResultThreads.Receive(null, new IncomingResult("res-1", "pat-1", "dr-a", "lipids", ResultStatus.Final, true), Clock);
        var message = new OutboxMessage("msg-1", "visit-1", "pat-1", MessagePurpose.Reminder, "reminder-48h", Clock.GetCurrentInstant(), DeliveryResult.Delivered, Clock.GetCurrentInstant());
        var intake = new IntakeResponse("visit-1", "pat-1", Clock.GetCurrentInstant());

        Store.Commit([
            StoreChange.Of(plan.Id, plan, 0, "coord-1", "Plan.Created"),
            StoreChange.Of(visit.Id, visit, 0, "desk-1", "Visit.Arrived"),
            StoreChange.Of(result.Id, result, 0, "lab", "Result.Received"),
            StoreChange.Of(message.Id, message, 0, "outbox", "Message.Planned"),
            StoreChange.Of(intake.VisitId, intake, 0, "pat-1", "Intake.Completed"),
        ]);

        Assert.Equal(plan, Store.Find<CarePlan>("plan-1")!.Value);
        Assert.Equal(Json(visit), Json(Store.Find<Visit>("visit-1")!.Value));
        Assert.Equal(Json(result), Json(Store.Find<ResultThread>("res-1")!.Value));
        Assert.Equal(message, Store.Find<OutboxMessage>("msg-1")!.Value);
        Assert.Equal(intake, Store.Find<IntakeResponse>("visit-1")!.Value);
    }
}

public sealed class InMemoryEngineStoreTests : EngineStoreContractTests
{
    private protected override IEngineStore Store { get; } = new InMemoryEngineStore(Clock);

    [Fact]
    public void Create_NeedsAClock() => Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => new InMemoryEngineStore(null!)).ParamName);
}

public sealed class SqliteEngineStoreTests : EngineStoreContractTests, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"medcoord-store-{Guid.NewGuid():N}.db");

    public SqliteEngineStoreTests()
    {
        var database = SqliteDatabase.Open(_path);
        Store = new SqliteEngineStore(database, new SqliteAuditLog(database, Clock));
    }

    private protected override IEngineStore Store { get; }

    public void Dispose() => File.Delete(_path);

    private static Consent Given(string id) => new(id, "pat-1", "treatment", Instant.FromUtc(2026, 1, 1, 0, 0), null, null);

    private static List<string> Query(string path, string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
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

    [Fact]
    public void Create_NeedsADatabaseAndAnAuditLog()
    {
        var database = SqliteDatabase.Open(_path);

        Assert.Equal("database", Assert.Throws<ArgumentNullException>(() => new SqliteEngineStore(null!, new SqliteAuditLog(database, Clock))).ParamName);
        Assert.Equal("audit", Assert.Throws<ArgumentNullException>(() => new SqliteEngineStore(database, null!)).ParamName);
    }

    /// <summary>The row as stored, and the entry's content: <c>v{version}:</c> and the SHA-256 of the length-prefixed fields, written out here.</summary>
    [Fact]
    public void Commit_StoresTheRowAndTheEntryCommitsToItsSha256()
    {
        var consent = new Consent("consent-1", "pat-1", "treatment", Instant.FromUtc(2026, 1, 1, 0, 0), null, null);
        Store.Commit([StoreChange.Of("consent-1", consent, 0, "desk-1", "Consent.Given")]);

        var json = """{"Id":"consent-1","PatientId":"pat-1","Scope":"treatment","GivenAt":"2026-01-01T00:00:00Z","ExpiresAt":null,"RevokedAt":null}""";
        var fields = $"8:record/1\n7:consent\n9:consent-1\n1:1\n0:\n{json.Length}:{json}\n";
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(fields)));

        Assert.Equal([$"consent|consent-1|1|{json}|NULL"], Query(_path, "SELECT kind, id, version, body, key_id FROM records"));
        Assert.Equal($"v1:{sha}", Store.AuditTrail()[0].Content);
    }

    [Fact]
    public void CheckDataKeys_OpensEveryRecord_AndCountsTheEncryptedOnes()
    {
        var dataKey = EngineKey.FromBytes(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var otherKey = EngineKey.FromBytes(new byte[32]);
        var database = SqliteDatabase.Open(_path);
        Store.Commit([StoreChange.Of("consent-1", Given("consent-1"), 0, "desk-1", "Consent.Given")]);
        var clear = ((SqliteEngineStore)Store).CheckDataKeys();
        var keyed = new SqliteEngineStore(database, new SqliteAuditLog(database, Clock), dataKey);
        keyed.Commit([StoreChange.Of("consent-2", Given("consent-2"), 0, "desk-1", "Consent.Given"), StoreChange.Of("consent-3", Given("consent-3"), 0, "desk-1", "Consent.Given")]);

        var wrong = Assert.Throws<EngineKeyException>(() => new SqliteEngineStore(database, new SqliteAuditLog(database, Clock), otherKey).CheckDataKeys());

        Assert.Equal(2, keyed.CheckDataKeys());
        Assert.Equal(2, new SqliteEngineStore(database, new SqliteAuditLog(database, Clock), otherKey, [dataKey]).CheckDataKeys());
        Assert.Equal(0, clear);
        Assert.Equal($"The consent 'consent-2' is encrypted with data key {dataKey.Id}; the data keys given are {otherKey.Id}.", wrong.Message);
        Assert.Equal(["consent-1|NULL", $"consent-2|{dataKey.Id}", $"consent-3|{dataKey.Id}"], Query(_path, "SELECT id, key_id FROM records ORDER BY id"));
        Assert.True(keyed.VerifyAudit().Intact);
    }

    /// <summary>Two coordinators, two connections to one file, the same record: one saves, the other is told to retry and loses nothing.</summary>
    [Fact]
    public void Commit_TwoConnectionsChangingOneRecord_OneSucceedsTheOtherGetsAConcurrencyError()
    {
        Store.Commit([StoreChange.Of("consent-1", new Consent("consent-1", "pat-1", "treatment", Clock.GetCurrentInstant(), null, null), 0, "desk-1", "Consent.Given")]);
        var database = SqliteDatabase.Open(_path);
        var other = new SqliteEngineStore(database, new SqliteAuditLog(database, Clock));
        var mine = Store.Find<Consent>("consent-1")!;
        var theirs = other.Find<Consent>("consent-1")!;

        Store.Commit([StoreChange.Of("consent-1", mine.Value with { Scope = "telehealth" }, mine.Version, "desk-1", "Consent.Edited")]);
        var error = Assert.Throws<StoreConcurrencyException>(() => other.Commit([StoreChange.Of("consent-1", theirs.Value with { RevokedAt = Clock.GetCurrentInstant() }, theirs.Version, "desk-2", "Consent.Revoked")]));
        var reread = other.Find<Consent>("consent-1")!;
        other.Commit([StoreChange.Of("consent-1", reread.Value with { RevokedAt = Clock.GetCurrentInstant() }, reread.Version, "desk-2", "Consent.Revoked")]);

        Assert.Equal(2, error.StoredVersion);
        var final = Store.Find<Consent>("consent-1")!;
        Assert.Equal(("telehealth", true, 3L), (final.Value.Scope, final.Value.RevokedAt is not null, final.Version));
        Assert.True(Store.VerifyAudit().Intact);
    }

    [Fact]
    public void Reopen_KeepsRecordsAndDetectsAnEditedAuditRow()
    {
        Store.Commit([StoreChange.Of("consent-1", new Consent("consent-1", "pat-1", "treatment", Clock.GetCurrentInstant(), null, null), 0, "desk-1", "Consent.Given")]);
        Store.Commit([StoreChange.Of("consent-2", new Consent("consent-2", "pat-2", "treatment", Clock.GetCurrentInstant(), null, null), 0, "desk-1", "Consent.Given")]);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            connection.Open();
            using var edit = connection.CreateCommand();
            edit.CommandText = "UPDATE audit_log SET actor = 'someone-else' WHERE sequence = 1";
            edit.ExecuteNonQuery();
        }

        var database = SqliteDatabase.Open(_path);
        var reopened = new SqliteEngineStore(database, new SqliteAuditLog(database, Clock));

        Assert.Equal(2, reopened.List<Consent>().Count);
        Assert.Equal((false, 1L), (reopened.VerifyAudit().Intact, reopened.VerifyAudit().FirstBadSequence!.Value));
    }
}
