using System.Globalization;
using System.Text.Json;
using MedCoord.Engine.Audit;
using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Storage;

/// <summary>
/// The records' index never hides a record: the worklist and the due messages the services build from the open records
/// equal what the domain rules give on every record; both stores answer every query alike; a database from before the
/// index is indexed when opened (a row the keys do not open stays unindexed and is still read); an index changed outside
/// the engine breaks the verification.
/// </summary>
public sealed class RecordIndexTests : IDisposable
{
    private static readonly Instant T0 = RecordWorld.T0;

    private static readonly EngineOptions Settings = new() { ClinicZone = "America/New_York" };

    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-index-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string? _empty;

    /// <summary>A new database file at the current schema: a copy of one created once (migrating a file per world would dominate the run).</summary>
    private string NewPath()
    {
        if (_empty is null)
        {
            _empty = Path.Combine(_dir, "empty.db");
            SqliteDatabase.Open(_empty);
        }

        var path = Path.Combine(_dir, $"engine-{Guid.NewGuid():N}.db");
        File.Copy(_empty, path);
        return path;
    }

    private static SqliteEngineStore Sqlite(string path, EngineKey? key = null, IEnumerable<EngineKey>? previous = null)
    {
        var database = SqliteDatabase.Open(path);
        return new SqliteEngineStore(database, new SqliteAuditLog(database, SystemClock.Instance), key, previous);
    }

    private static SqliteEngineStore SqliteReadOnly(string path)
    {
        var database = SqliteDatabase.OpenReadOnly(path);
        return new SqliteEngineStore(database, new SqliteAuditLog(database, SystemClock.Instance));
    }

    /// <summary>Recreates the records table without its constraints, as someone editing the file could.</summary>
    private static void Unconstrain(string path) => Sql(path,
        "CREATE TABLE loose (kind, id, version, body, key_id, indexed, patient_id, open, due_at, ref); INSERT INTO loose SELECT * FROM records; DROP TABLE records; ALTER TABLE loose RENAME TO records");

    private static void Sql(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
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
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    /// <summary>What a database before migration 5 looks like once migrated: every row unindexed, its index columns at their defaults.</summary>
    private static void Unindex(string path) => Sql(path, "UPDATE records SET indexed = 0, patient_id = NULL, open = 1, due_at = NULL, ref = NULL");

    private static string Json(object? value) => JsonSerializer.Serialize(value, StoreKinds.Json);

    private static CoordinationEngine Engine(IEngineStore store, IClock clock) => CoordinationEngine.Over(store, clock, Microsoft.Extensions.Options.Options.Create(Settings));

    /// <summary>The worklist by the domain rules on every record of the world, as of <paramref name="clock"/>.</summary>
    private static CoordinatorWorklist Expected(RecordWorld world, IClock clock)
    {
        var now = clock.GetCurrentInstant();
        var plans = world.Plans.OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
        var visits = world.Visits.OrderBy(v => v.Id, StringComparer.Ordinal).ToList();
        return new CoordinatorWorklist(
            CarePlanRequests.Overdue(plans, now.InZone(Settings.Zone).Date),
            ReferralWorklist.Overdue(world.Referrals.OrderBy(r => r.Id, StringComparer.Ordinal), Settings.Referrals, now),
            ResultThreads.Overdue(world.Results.OrderBy(r => r.Id, StringComparer.Ordinal), Settings.Results, clock),
            [.. visits.Where(v => v.Status == VisitStatus.NoShow).OrderByDescending(v => v.Start)],
            VisitDesk.Stalled(visits, Settings.CheckInGrace, Settings.Visits, now),
            CarePlanRequests.Stalled(plans, Settings.CarePlans, now),
            ClaimWorklist.Stalled(world.Claims.OrderBy(c => c.Id, StringComparer.Ordinal), Settings.Claims, now));
    }

    /// <summary>What of the world made it onto a worklist or among the due messages: kind and status, for the coverage check.</summary>
    private static IEnumerable<string> Covered(RecordWorld world, CoordinatorWorklist worklist, IReadOnlyList<OutboxMessage> due)
    {
        var referrals = world.Referrals.ToDictionary(r => r.Id);
        var activities = world.Plans.SelectMany(p => p.Activities.Select(a => (p.Id, a))).ToDictionary(x => (x.Id, x.a.Id), x => x.a.Status);
        return
        [
            .. worklist.Visits.Select(v => $"visit:{v.Status}"),
            .. worklist.NoShows.Select(v => $"visit:{v.Status}"),
            .. worklist.Referrals.Select(r => $"referral:{referrals[r.ReferralId].Status}"),
            .. worklist.CarePlans.Select(p => $"care-plan:{p.Lateness}"),
            .. worklist.CareActivities.Select(a => $"activity:{activities[(a.PlanId, a.ActivityId)]}"),
            .. worklist.ResultTasks.Select(t => $"result:{t.Step}{(t.ReleasedAt is null ? string.Empty : ":released")}"),
            .. worklist.Claims.Select(c => $"claim:{c.Status}"),
            .. due.Select(m => $"message:{m.Purpose}:{m.Delivery?.ToString() ?? "pending"}"),
        ];
    }

    private static readonly string[] MustBeCovered =
    [
        .. new[] { VisitStatus.Booked, VisitStatus.Arrived, VisitStatus.CheckedIn, VisitStatus.NoShow }.Select(s => $"visit:{s}"),
        .. Enum.GetValues<ReferralStatus>().Where(s => s is not (ReferralStatus.Closed or ReferralStatus.Cancelled or ReferralStatus.Expired)).Select(s => $"referral:{s}"),
        .. Enum.GetValues<CarePlanLateness>().Select(l => $"care-plan:{l}"),
        .. new[] { ActivityStatus.NotStarted, ActivityStatus.Scheduled, ActivityStatus.InProgress }.Select(s => $"activity:{s}"),
        "result:ProviderReview", "result:PatientNotification", "result:PatientNotification:released",
        .. Enum.GetValues<ClaimStatus>().Where(s => s != ClaimStatus.Closed).Select(s => $"claim:{s}"),
        "message:Reminder:pending", "message:FollowUp:pending", "message:ResultNotification:pending", "message:Reminder:Failed", "message:FollowUp:Failed",
    ];

    /// <summary>
    /// 200 random worlds, each committed to the in-memory store (every fourth to SQLite as well) and read at two random instants: the worklist and the due
    /// messages the services build from the index equal the domain rules applied to every record. Every status that
    /// can be late is seen late at least once (so the comparison is never between two empty lists only).
    /// </summary>
    [Fact]
    public async Task WorklistAndDueMessages_FromTheIndex_EqualTheDomainRulesOnEveryRecord()
    {
        var covered = new HashSet<string>(StringComparer.Ordinal);
        for (var seed = 0; seed < 200; seed++)
        {
            var rng = new Random(seed);
            var world = RecordWorld.Random(rng);
            var stores = new List<(string Name, IEngineStore Store)> { ("memory", new InMemoryEngineStore(SystemClock.Instance)) };
            if (seed % 4 == 0)
            {
                // SQLite on every fourth world keeps the run short; the in-memory store keeps the same index.
                stores.Add(("sqlite", Sqlite(NewPath())));
            }

            foreach (var (_, store) in stores)
            {
                await store.CommitAsync(world.Changes(), [], CancellationToken.None);
            }

            for (var read = 0; read < 2; read++)
            {
                var clock = new FakeClock(T0 + Duration.FromMinutes(rng.Next(-20 * 24 * 60, 150 * 24 * 60)));
                var expected = Expected(world, clock);
                var expectedDue = Outbox.Due(world.Messages, world.Visits, world.Results, clock);
                covered.UnionWith(Covered(world, expected, expectedDue));
                foreach (var (name, store) in stores)
                {
                    var engine = Engine(store, clock);
                    var worklist = await engine.Worklist.GetAsync(CancellationToken.None);
                    var due = await engine.Outbox.DueMessagesAsync(CancellationToken.None);

                    Assert.True(Json(expected) == Json(worklist), $"seed {seed}, {name} store, at {clock.GetCurrentInstant()}: worklist\n{Json(worklist)}\nexpected\n{Json(expected)}");
                    Assert.True(Json(expectedDue) == Json(due), $"seed {seed}, {name} store, at {clock.GetCurrentInstant()}: due messages\n{Json(due)}\nexpected\n{Json(expectedDue)}");
                }
            }
        }

        Assert.Empty(MustBeCovered.Except(covered));
    }

    /// <summary>The queries every read of the engine makes, and their combinations, over the world's patients, refs and send times.</summary>
    private static List<RecordQuery> Queries(RecordWorld world)
    {
        var sendAt = world.Messages.Where(m => m.IsPending).Select(m => m.SendAt).ToList();
        string?[] patients = [null, .. RecordWorld.Patients, "pat-nobody"];
        Instant?[] dues = [null, T0, .. sendAt.Take(1).Select(s => (Instant?)s), .. sendAt.Take(1).Select(s => (Instant?)(s - Duration.Epsilon))];
        string?[] refs = [null, world.Visits[0].BookedRequestId, world.Results[0].Id, .. world.Messages.Select(m => m.VisitId ?? m.ResultId).Take(1), "ref-nobody"];
        return [.. from p in patients from open in new[] { false, true } from due in dues from r in refs select new RecordQuery(p, open, due, r)];
    }

    [Fact]
    public async Task ListAsync_EveryQuery_BothStoresReturnTheRecordsTheIndexSelects()
    {
        for (var seed = 1000; seed < 1002; seed++)
        {
            var world = RecordWorld.Random(new Random(seed));
            var changes = world.Changes();
            var memory = new InMemoryEngineStore(SystemClock.Instance);
            var sqlite = Sqlite(NewPath());
            await memory.CommitAsync(changes, [], CancellationToken.None);
            await sqlite.CommitAsync(changes, [], CancellationToken.None);
            var queries = Queries(world);
            var selectedSome = 0;

            foreach (var query in queries)
            {
                foreach (var kind in changes.Select(c => c.Kind).Distinct())
                {
                    var expected = changes.Where(c => c.Kind == kind && RecordIndex.Of(c.Value).Matches(query)).OrderBy(c => c.Id, StringComparer.Ordinal).Select(c => $"{c.Id} {Json(c.Value)}").ToList();
                    var fromMemory = await ListJson(memory, kind, query);
                    var fromSqlite = await ListJson(sqlite, kind, query);

                    Assert.True(expected.SequenceEqual(fromMemory), $"seed {seed}, memory, {kind}, {query}");
                    Assert.True(expected.SequenceEqual(fromSqlite), $"seed {seed}, sqlite, {kind}, {query}");
                    selectedSome += expected.Count > 0 && expected.Count < changes.Count(c => c.Kind == kind) ? 1 : 0;
                }
            }

            // The queries narrow: many select some records of a kind and not all of them.
            Assert.True(selectedSome >= 20, $"seed {seed}: only {selectedSome} queries selected part of a kind");
        }
    }

    /// <summary>The records of a kind a query reads, as "id json", by id.</summary>
    private static async Task<List<string>> ListJson(IEngineStore store, string kind, RecordQuery query) => kind switch
    {
        "care-plan" => Of(await store.ListAsync<CarePlan>(query, CancellationToken.None)),
        "visit" => Of(await store.ListAsync<Visit>(query, CancellationToken.None)),
        "consent" => Of(await store.ListAsync<Consent>(query, CancellationToken.None)),
        "intake-response" => Of(await store.ListAsync<IntakeResponse>(query, CancellationToken.None)),
        "result" => Of(await store.ListAsync<ResultThread>(query, CancellationToken.None)),
        "outbox-message" => Of(await store.ListAsync<OutboxMessage>(query, CancellationToken.None)),
        "referral" => Of(await store.ListAsync<Referral>(query, CancellationToken.None)),
        "claim" => Of(await store.ListAsync<Claim>(query, CancellationToken.None)),
        _ => throw new ArgumentException(kind, nameof(kind)),
    };

    private static List<string> Of<T>(IReadOnlyList<Stored<T>> stored)
        where T : class => [.. stored.Select(s => $"{RecordWorld.IdOf(s.Value)} {Json(s.Value)}")];

    private static readonly string[] Kinds = ["care-plan", "visit", "consent", "intake-response", "result", "outbox-message", "referral", "claim"];

    /// <summary>The index columns of every row, as the record itself gives them, for the rows <paramref name="store"/> opens.</summary>
    private static async Task<List<string>> IndexColumnsFromRecords(IEngineStore store)
    {
        var rows = new List<string>();
        foreach (var kind in Kinds)
        {
            foreach (var row in await ListJson(store, kind, RecordQuery.All))
            {
                var id = row[..row.IndexOf(' ', StringComparison.Ordinal)];
                var record = JsonSerializer.Deserialize(row[(id.Length + 1)..], StoreKinds.TypeOf(kind), StoreKinds.Json)!;
                var index = RecordIndex.Of(record);
                rows.Add(string.Join("|", kind, id, "1", index.PatientId, index.Open ? "1" : "0", index.Due is { } due ? due.ToUnixTimeTicks().ToString(CultureInfo.InvariantCulture) : "NULL", index.Ref ?? "NULL"));
            }
        }

        return [.. rows.Order(StringComparer.Ordinal)];
    }

    private const string IndexColumns = "SELECT kind || '|' || id || '|' || indexed || '|' || ifnull(patient_id, 'NULL') || '|' || open || '|' || ifnull(due_at, 'NULL') || '|' || ifnull(ref, 'NULL') FROM records ORDER BY 1";

    /// <summary>Every query of every kind on a store, as "kind query: id json…", for comparing what two stores read.</summary>
    private static async Task<List<string>> Answers(IEngineStore store, IEnumerable<RecordQuery> queries, bool filterByRecord)
    {
        var answers = new List<string>();
        foreach (var query in queries)
        {
            foreach (var kind in Kinds)
            {
                var rows = await ListJson(store, kind, query);
                if (filterByRecord)
                {
                    rows = [.. rows.Where(r => RecordIndex.Of(JsonSerializer.Deserialize(r[(r.IndexOf(' ', StringComparison.Ordinal) + 1)..], StoreKinds.TypeOf(kind), StoreKinds.Json)!).Matches(query))];
                }

                answers.Add($"{kind} {query}: {string.Join(", ", rows)}");
            }
        }

        return answers;
    }

    [Fact]
    public async Task Schema3Database_IsIndexedWhenTheStoreOpensIt_AndReadsTheSameRecordsBeforeAndAfter()
    {
        var path = NewPath();
        File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "demo-schema3.db"), path, overwrite: true);
        SqliteDatabase.Open(path);
        Assert.Equal(["20"], Query(path, "SELECT count(*) FROM records WHERE indexed = 0"));
        var before = SqliteReadOnly(path);
        var all = await Answers(before, [RecordQuery.All], filterByRecord: false);
        var queries = new List<RecordQuery>
        {
            RecordQuery.Open, new(PatientId: "pat-a"), new(PatientId: "pat-c", OpenOnly: true), new(DueBy: Instant.FromUtc(2026, 12, 8, 0, 0)),
            new(OpenOnly: true, DueBy: Instant.FromUtc(2027, 1, 1, 0, 0)), new(Ref: "plan-a/consult/1"), new(Ref: "plan-b/eye-exam/1", OpenOnly: true), new(PatientId: "pat-nobody"),
        };

        // Before: nothing is indexed, so every query reads every row of its kind (the caller's filter decides).
        foreach (var query in queries)
        {
            foreach (var kind in Kinds)
            {
                Assert.Equal(await ListJson(before, kind, RecordQuery.All), await ListJson(before, kind, query));
            }
        }

        var filteredBefore = await Answers(before, queries, filterByRecord: true);
        var clock = new FakeClock(Instant.FromUtc(2026, 12, 9, 12, 0));
        var worklistBefore = Json(await Engine(before, clock).Worklist.GetAsync(CancellationToken.None));
        var dueBefore = Json(await Engine(before, clock).Outbox.DueMessagesAsync(CancellationToken.None));

        var after = Sqlite(path);

        Assert.Equal(["0"], Query(path, "SELECT count(*) FROM records WHERE indexed = 0"));
        Assert.Equal(await IndexColumnsFromRecords(after), Query(path, IndexColumns));
        Assert.Equal(filteredBefore, await Answers(after, queries, filterByRecord: false));
        Assert.Equal(all, await Answers(after, [RecordQuery.All], filterByRecord: false));
        Assert.Equal(worklistBefore, Json(await Engine(after, clock).Worklist.GetAsync(CancellationToken.None)));
        Assert.Equal(dueBefore, Json(await Engine(after, clock).Outbox.DueMessagesAsync(CancellationToken.None)));
        Assert.Contains("plan-b/eye-exam/1", worklistBefore, StringComparison.Ordinal); // a no-show of the fixture, on the worklist before and after
        Assert.True((await after.VerifyAuditAsync(CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task DatabaseWrittenBeforeTheIndex_IsIndexedWhenOpened_AndEveryQueryReadsTheSameRecords()
    {
        var path = NewPath();
        var world = RecordWorld.Random(new Random(7));
        await Sqlite(path).CommitAsync(world.Changes(), [], CancellationToken.None);
        var indexed = Query(path, IndexColumns);
        Unindex(path);
        var queries = Queries(world);
        var before = SqliteReadOnly(path);
        var clock = new FakeClock(T0 + Duration.FromDays(10));

        var answersBefore = await Answers(before, queries, filterByRecord: true);
        var worklistBefore = Json(await Engine(before, clock).Worklist.GetAsync(CancellationToken.None));
        var dueBefore = Json(await Engine(before, clock).Outbox.DueMessagesAsync(CancellationToken.None));
        var after = Sqlite(path);

        Assert.Equal(indexed, Query(path, IndexColumns));
        Assert.Equal(answersBefore, await Answers(after, queries, filterByRecord: false));
        Assert.Equal(worklistBefore, Json(await Engine(after, clock).Worklist.GetAsync(CancellationToken.None)));
        Assert.Equal(Json(Expected(world, clock)), worklistBefore);
        Assert.Equal(dueBefore, Json(await Engine(after, clock).Outbox.DueMessagesAsync(CancellationToken.None)));
        Assert.True((await after.VerifyAuditAsync(CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task EncryptedRowWhoseKeyWasNotGiven_StaysUnindexedAndIsStillRead()
    {
        var path = NewPath();
        var key = EngineKey.FromBytes(Enumerable.Range(1, 32).Select(b => (byte)b).ToArray());
        var late = new Visit("visit-sealed", "pat-2", "follow-up", T0 - Duration.FromDays(2), VisitStatus.NoShow, [new StatusChange<VisitStatus>(VisitStatus.Booked, VisitStatus.NoShow, "system", T0 - Duration.FromDays(2))]);
        var clear = new Visit("visit-clear", "pat-1", "follow-up", T0 - Duration.FromDays(2), VisitStatus.Fulfilled, [new StatusChange<VisitStatus>(VisitStatus.CheckedIn, VisitStatus.Fulfilled, "dr-a", T0 - Duration.FromDays(2))]);
        await Sqlite(path).CommitAsync([StoreChange.Of(clear.Id, clear, 0, "desk-1", "Visit.Saved")], [], CancellationToken.None);
        await Sqlite(path, key).CommitAsync([StoreChange.Of(late.Id, late, 0, "desk-1", "Visit.Saved")], [], CancellationToken.None);
        Unindex(path);

        var keyless = Sqlite(path);

        Assert.Equal(["visit|visit-clear|1", "visit|visit-sealed|0"], Query(path, "SELECT kind, id, indexed FROM records ORDER BY id"));
        var database = SqliteDatabase.Open(path);
        using (var connection = database.Connect())
        {
            // However narrow the query, the row not indexed is read: the closed clear row is not, the sealed one is.
            foreach (var query in new RecordQuery[] { RecordQuery.Open, new(PatientId: "pat-9"), new(DueBy: T0), new(Ref: "nothing"), new("pat-1", true, T0, "visit-clear") })
            {
                Assert.Equal(["visit-sealed"], (await database.ReadRowsAsync(connection, "visit", query, CancellationToken.None)).Select(r => r.Id));
            }

            Assert.Equal(["visit-clear", "visit-sealed"], (await database.ReadRowsAsync(connection, "visit", new RecordQuery(PatientId: "pat-1"), CancellationToken.None)).Select(r => r.Id));
        }

        // A store without the key does not drop the row it cannot open: it says so.
        await Assert.ThrowsAsync<EngineKeyException>(() => keyless.ListAsync<Visit>(RecordQuery.Open, CancellationToken.None));
        await Assert.ThrowsAsync<EngineKeyException>(() => Engine(keyless, new FakeClock(T0)).Worklist.GetAsync(CancellationToken.None));

        var keyed = Sqlite(path, key);

        Assert.Equal(["visit|visit-clear|1|pat-1|0|NULL|visit-clear", "visit|visit-sealed|1|pat-2|1|NULL|visit-sealed"], Query(path, IndexColumns));
        Assert.Equal(["visit-sealed"], (await keyed.ListAsync<Visit>(RecordQuery.Open, CancellationToken.None)).Select(v => v.Value.Id));
        Assert.Equal(["visit-sealed"], (await Engine(keyed, new FakeClock(T0)).Worklist.GetAsync(CancellationToken.None)).NoShows.Select(v => v.Id));
    }

    /// <summary>A small database: an overdue booked visit, a fulfilled one, a pending message due, a consent.</summary>
    private static async Task<string> Tamperable(string path)
    {
        var store = Sqlite(path);
        var late = new Visit("visit-late", "pat-1", "follow-up", T0 - Duration.FromDays(1), VisitStatus.Booked, [], "req-1");
        var done = new Visit("visit-done", "pat-2", "follow-up", T0 - Duration.FromDays(3), VisitStatus.Fulfilled, [new StatusChange<VisitStatus>(VisitStatus.CheckedIn, VisitStatus.Fulfilled, "dr-a", T0 - Duration.FromDays(3))]);
        var message = new OutboxMessage("msg-1", "visit-done", "pat-2", MessagePurpose.FollowUp, "follow-up", T0 - Duration.FromHours(1), null, null);
        var consent = new Consent("consent-1", "pat-1", "treatment", T0 - Duration.FromDays(100), null, null);
        await store.CommitAsync(
        [
            StoreChange.Of(late.Id, late, 0, "desk-1", "Visit.Booked"), StoreChange.Of(done.Id, done, 0, "desk-1", "Visit.Fulfilled"),
            StoreChange.Of(message.Id, message, 0, "desk-1", "Message.Planned"), StoreChange.Of(consent.Id, consent, 0, "desk-1", "Consent.Given"),
        ], [], CancellationToken.None);
        return path;
    }

    [Fact]
    public async Task VerifyAudit_UntouchedDatabase_IsIntact()
    {
        var path = await Tamperable(NewPath());
        var store = Sqlite(path);
        var engine = Engine(store, new FakeClock(T0));

        Assert.True((await store.VerifyAuditAsync(CancellationToken.None)).Intact);
        Assert.Equal(["visit-late"], (await engine.Worklist.GetAsync(CancellationToken.None)).Visits.Select(v => v.VisitId));
        Assert.Equal(["msg-1"], (await engine.Outbox.DueMessagesAsync(CancellationToken.None)).Select(m => m.Id));
    }

    public static TheoryData<string, string, string> Tampering => new()
    {
        { "UPDATE records SET open = 0 WHERE id = 'visit-late'", "visit", "visit-late" }, // would hide an overdue visit from the worklist
        { "UPDATE records SET open = 1 WHERE id = 'visit-done'", "visit", "visit-done" },
        { "UPDATE records SET open = 0 WHERE id = 'msg-1'", "outbox-message", "msg-1" }, // would hide a due message
        { $"UPDATE records SET due_at = {(T0 + Duration.FromDays(365)).ToUnixTimeTicks()} WHERE id = 'msg-1'", "outbox-message", "msg-1" },
        { "UPDATE records SET due_at = NULL WHERE id = 'msg-1'", "outbox-message", "msg-1" },
        { "UPDATE records SET patient_id = 'pat-2' WHERE id = 'consent-1'", "consent", "consent-1" }, // would hide a consent from the patient's check-in
        { "UPDATE records SET patient_id = NULL WHERE id = 'visit-late'", "visit", "visit-late" },
        { "UPDATE records SET ref = 'req-2' WHERE id = 'visit-late'", "visit", "visit-late" }, // would let the request be booked twice
        { "UPDATE records SET ref = 'visit-late' WHERE id = 'msg-1'", "outbox-message", "msg-1" },
        { "UPDATE records SET due_at = 'soon' WHERE id = 'msg-1'", "outbox-message", "msg-1" }, // text sorts after every number: never due
        { "UPDATE records SET open = 2 WHERE id = 'visit-late'", "visit", "visit-late" }, // open = 1 is what a query selects
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task VerifyAudit_IndexChangedInSqlite_IsNotIntactAndNamesTheRecord(string sql, string kind, string id)
    {
        var path = await Tamperable(NewPath());
        Sql(path, sql);

        var verification = await Sqlite(path).VerifyAuditAsync(CancellationToken.None);

        // Values of a type the engine never writes are named as such; any other change as a mismatch with the record.
        var malformed = sql.Contains("'soon'", StringComparison.Ordinal) || sql.Contains("open = 2", StringComparison.Ordinal) || sql.Contains("patient_id = NULL", StringComparison.Ordinal);
        Assert.False(verification.Intact);
        Assert.Equal(
            malformed ? $"the index of {kind} '{id}' holds values the engine never writes (changed outside the engine)" : $"the index of {kind} '{id}' does not match the record (changed outside the engine)",
            verification.Problem);
    }

    [Fact]
    public async Task VerifyAudit_OpenCleared_WouldHideTheOverdueVisit_AndIsReported()
    {
        var path = await Tamperable(NewPath());
        Sql(path, "UPDATE records SET open = 0 WHERE id = 'visit-late'");
        var store = Sqlite(path);

        Assert.Empty((await Engine(store, new FakeClock(T0)).Worklist.GetAsync(CancellationToken.None)).Visits);
        Assert.Equal("the index of visit 'visit-late' does not match the record (changed outside the engine)", (await store.VerifyAuditAsync(CancellationToken.None)).Problem);
    }

    /// <summary>
    /// A row whose <c>indexed</c> flag is neither 0 nor 1 (or NULL) is read as not indexed — every query returns it, so
    /// it is never hidden — and, changed under a running store, it breaks the verification.
    /// </summary>
    [Theory]
    [InlineData("2")]
    [InlineData("-1")]
    [InlineData("NULL")]
    [InlineData("'x'")]
    public async Task VerifyAudit_IndexedFlagNeitherZeroNorOne_IsNeverHiddenAndIsReported(string flag)
    {
        var path = await Tamperable(NewPath());
        var store = Sqlite(path);
        if (flag == "NULL")
        {
            Unconstrain(path);
        }

        Sql(path, $"UPDATE records SET indexed = {flag} WHERE id = 'visit-late'");

        var late = (await Engine(store, new FakeClock(T0)).Worklist.GetAsync(CancellationToken.None)).Visits.Select(v => v.VisitId);
        var verification = await store.VerifyAuditAsync(CancellationToken.None);

        Assert.Contains("visit-late", late);
        Assert.False(verification.Intact);
        Assert.Equal("the index of visit 'visit-late' holds values the engine never writes (changed outside the engine)", verification.Problem);
        Assert.True(await Sqlite(path).VerifyAuditAsync(CancellationToken.None) is { Intact: true }, "a store opening the file indexes the row again");
    }

    [Fact]
    public void RecordIndexOf_AKindTheEngineDoesNotStore_IsRefused() =>
        Assert.Throws<ArgumentException>(() => RecordIndex.Of(new AuditVerification(true, 0, null, null)));
}
