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

    protected abstract IEngineStore Store { get; }

    private static Consent Consent(string id = "consent-1", Instant? revoked = null) =>
        new(id, "pat-1", "treatment", Instant.FromUtc(2026, 1, 1, 0, 0), Instant.FromUtc(2027, 1, 1, 0, 0), revoked);

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, StoreKinds.Json);

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
    protected override IEngineStore Store { get; } = new InMemoryEngineStore(Clock);
}

public sealed class SqliteEngineStoreTests : EngineStoreContractTests, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"medcoord-store-{Guid.NewGuid():N}.db");

    public SqliteEngineStoreTests()
    {
        var database = SqliteDatabase.Open(_path);
        Store = new SqliteEngineStore(database, new SqliteAuditLog(database, Clock));
    }

    protected override IEngineStore Store { get; }

    public void Dispose() => File.Delete(_path);

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
