using System.Text.Json.Nodes;
using MedCoord.Cli;
using Microsoft.Extensions.DependencyInjection;
using static MedCoord.Cli.Tests.CliTestData;

namespace MedCoord.Cli.Tests;

/// <summary>The coordinator's operations from the console: exit codes, files written or not, errors that name where.</summary>
public sealed class OperationsCommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-ops-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => ConsoleRun.Run(args);

    /// <summary>The shipped example solved, with one appointment taken out of the book and listed as waiting.</summary>
    private string BookWithout(string request, out Assignment removed)
    {
        var problem = ProblemFile.Parse(File.ReadAllText(TestData("clinic-small.json")));
        var schedule = new AppointmentScheduler().Solve(problem, Quick());
        removed = schedule.Assignments.Single(a => a.RequestId == request);
        var book = schedule with
        {
            Assignments = [.. schedule.Assignments.Where(a => a.RequestId != request)],
            Unscheduled = [.. schedule.Unscheduled, new UnscheduledRequest(request, UnscheduledReason.CapacityTaken, "waiting")],
        };
        var path = Path.Combine(_dir, "book.json");
        File.WriteAllText(path, ScheduleFile.Serialize(book));
        return path;
    }

    [Fact]
    public async Task Recommend_WaitingRequest_WritesSlotsFileBestFirst()
    {
        var book = BookWithout("r-09", out _);
        var outPath = Path.Combine(_dir, "slots.json");

        var (code, stdout, stderr) = await Run("recommend", TestData("clinic-small.json"), "--book", book, "--request", "r-09", "--top", "3", "--out", outPath);

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stderr);
        Assert.Contains("Best 3 slots for r-09", stdout);
        var slots = JsonNode.Parse(File.ReadAllText(outPath))!["slots"]!.AsArray();
        Assert.Equal(3, slots.Count);
        var costs = slots.Select(s => (long)s!["change"]!["waitingCost"]!).ToList();
        Assert.Equal(costs.Order(), costs);
        var problem = ProblemFile.Parse(File.ReadAllText(TestData("clinic-small.json")));
        var expected = new SlotRecommender(problem, ScheduleFile.Parse(File.ReadAllText(book))).Recommend("r-09", top: 3).Slots;
        Assert.Equal(expected.Select(e => ScheduleFile.FormatDateTime(e.Start)), slots.Select(x => (string)x!["start"]!));
        Assert.Equal(expected.Select(e => e.ProviderId), slots.Select(x => (string?)x!["provider"]));
    }

    [Fact]
    public async Task Solve_DayUnitExample_BooksSeriesSharedRoomsAndEquipmentWithinEveryRule()
    {
        var outPath = Path.Combine(_dir, "day-unit-schedule.json");

        var (code, _, stderr) = await Run("solve", TestData("day-unit.json"), "--out", outPath, "--time-limit", "10");

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stderr);
        var problem = ProblemFile.Parse(File.ReadAllText(TestData("day-unit.json")));
        var schedule = ScheduleFile.Parse(File.ReadAllText(outPath));
        Assert.Empty(ScheduleVerifier.Violations(problem, schedule));
        Assert.All(problem.Series.SelectMany(x => x.RequestIds), id => Assert.Contains(schedule.Assignments, a => a.RequestId == id));
        Assert.Equal(SoftRuleChecker.Costs(problem, schedule, problem.Options!.SoftRules!), schedule.Objective.SoftRules);
        var infusions = schedule.Assignments.Where(a => a.RoomId == "infusion-bay").ToList();
        Assert.Contains(infusions, a => infusions.Count(o => o.Start.ToInstant() <= a.Start.ToInstant() && a.Start.ToInstant() < o.End.ToInstant()) == 3);
    }

    [Fact]
    public async Task Recommend_VisitOfASeries_ExitsTwoNamingTheSeries()
    {
        var book = Path.Combine(_dir, "empty-book.json");
        File.WriteAllText(book, """{ "formatVersion": 1, "assignments": [] }""");

        var (code, _, stderr) = await Run("recommend", TestData("day-unit.json"), "--book", book, "--request", "pt-3");

        Assert.Equal(2, code);
        Assert.Contains("--request: request 'pt-3' is a visit of series 'physio-course'", stderr);
    }

    [Theory]
    [InlineData("r-01", "--request: request 'r-01' is already booked in {book}")]
    [InlineData("r-404", "--request: unknown request 'r-404'")]
    public async Task Recommend_RequestTheRecommenderRefuses_ExitsTwoWithItsRefusal(string request, string expected)
    {
        var book = BookWithout("r-09", out _);
        var outPath = Path.Combine(_dir, "slots.json");

        var (code, stdout, stderr) = await Run("recommend", TestData("clinic-small.json"), "--book", book, "--request", request, "--out", outPath);

        Assert.Equal(2, code);
        Assert.Equal(expected.Replace("{book}", book, StringComparison.Ordinal) + Environment.NewLine, stderr);
        Assert.Empty(stdout);
        Assert.False(File.Exists(outPath));
    }

    [Fact]
    public async Task Recommend_BadBookAndFlags_ExitTwoNamingEachProblemAndWriteNothing()
    {
        var book = Path.Combine(_dir, "bad-book.json");
        File.WriteAllText(book, """{ "formatVersion": 1, "assignments": [ { "request": "r-01", "patient": "p-001", "facility": "main", "start": "2026-12-07T09:00:00", "end": "2026-12-07T09:30:00-05:00" } ], "extra": 1 }""");
        var outPath = Path.Combine(_dir, "slots.json");

        var (code, _, stderr) = await Run("recommend", TestData("clinic-small.json"), "--book", book, "--request", "r-01", "--top", "0", "--out", outPath);

        Assert.Equal(2, code);
        Assert.Contains($"{book}: extra: unknown field 'extra'", stderr);
        Assert.Contains($"{book}: assignments[0].start: '2026-12-07T09:00:00' has no offset", stderr);
        Assert.Contains("--top: must be from 1 to 1000, found 0", stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(File.Exists(outPath));
    }

    [Fact]
    public async Task Recommend_BookThatDoesNotFitTheProblem_ExitsTwoWithPaths()
    {
        var book = Path.Combine(_dir, "book.json");
        File.WriteAllText(book, """{ "formatVersion": 1, "assignments": [ { "request": "r-404", "patient": "p-001", "provider": null, "room": null, "facility": "main", "start": "2026-12-07T09:00:00-05:00", "end": "2026-12-07T09:30:00-05:00" } ] }""");

        var (code, _, stderr) = await Run("recommend", TestData("clinic-small.json"), "--book", book, "--request", "r-01");

        Assert.Equal(2, code);
        Assert.Contains($"{book}: assignments[0].request: unknown request 'r-404'", stderr);
    }

    [Fact]
    public async Task Fill_Cancellation_WritesTheNewBookWithTheCancelledRequestMarked()
    {
        var book = BookWithout("r-09", out _);
        var outPath = Path.Combine(_dir, "new.json");
        const string cancelled = "r-06";

        var (code, stdout, stderr) = await Run("fill", TestData("clinic-small.json"), "--book", book, "--cancel", cancelled, "--out", outPath);

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stderr);
        Assert.Contains($"cancelled {cancelled}", stdout);
        var written = ScheduleFile.Parse(File.ReadAllText(outPath));
        Assert.Equal(UnscheduledReason.Cancelled, written.Unscheduled.Single(u => u.RequestId == cancelled).Reason);
        var problem = ProblemFile.Parse(File.ReadAllText(TestData("clinic-small.json")));
        Assert.Empty(ScheduleVerifier.Violations(problem, written));
    }

    [Fact]
    public async Task Fill_RequestNotBooked_ExitsTwoAndWritesNothing()
    {
        var book = BookWithout("r-09", out _);
        var outPath = Path.Combine(_dir, "new.json");

        var (code, _, stderr) = await Run("fill", TestData("clinic-small.json"), "--book", book, "--cancel", "r-09", "--out", outPath);

        Assert.Equal(2, code);
        Assert.Equal("--cancel: request 'r-09' is not booked", stderr.Trim());
        Assert.False(File.Exists(outPath));
    }

    [Fact]
    public async Task Replan_ProviderTimeOff_WritesTheNewScheduleAndListsChanges()
    {
        var problemText = File.ReadAllText(TestData("clinic-small.json"));
        var problem = ProblemFile.Parse(problemText);
        var previous = new AppointmentScheduler().Solve(problem, Quick());
        var previousPath = Path.Combine(_dir, "old.json");
        File.WriteAllText(previousPath, ScheduleFile.Serialize(previous));
        var moved = previous.Assignments.First(a => a.ProviderId is not null && !problem.Fixed.Any(f => f.RequestId == a.RequestId));
        var changed = problem with
        {
            Providers = [.. problem.Providers.Select(p => p.Id == moved.ProviderId ? p with { TimeOff = [.. p.TimeOff, new NodaTime.Interval(moved.Start.ToInstant(), moved.End.ToInstant())] } : p)],
        };
        var changedPath = Path.Combine(_dir, "changed.json");
        File.WriteAllText(changedPath, ProblemFile.Serialize(changed));
        var outPath = Path.Combine(_dir, "new.json");

        var (code, stdout, stderr) = await Run("replan", changedPath, "--previous", previousPath, "--out", outPath, "--time-limit", "5");

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stderr);
        Assert.True(stdout.Contains($"provider '{moved.ProviderId}' is no longer available then"), stdout);
        Assert.Contains(moved.RequestId, stdout);
        Assert.Contains($"provider '{moved.ProviderId}' is no longer available then", stdout);
        Assert.Empty(ScheduleVerifier.Violations(changed, ScheduleFile.Parse(File.ReadAllText(outPath))));
    }

    [Fact]
    public async Task Replan_BadFlagsAndMissingPrevious_ExitTwo()
    {
        var (code, _, stderr) = await Run("replan", TestData("clinic-small.json"), "--previous", Path.Combine(_dir, "none.json"), "--out", Path.Combine(_dir, "x.json"), "--workers", "-1");

        Assert.Equal(2, code);
        Assert.Contains("none.json: cannot read the schedule file (FileNotFound)", stderr);
        Assert.Contains("--workers: must be from 0 (the machine's core count) to 256, found -1", stderr);
        Assert.False(File.Exists(Path.Combine(_dir, "x.json")));
    }

    [Fact]
    public async Task AuditVerify_IntactThenEditedThenMissing_ExitsZeroOneTwo()
    {
        var db = Path.Combine(_dir, "engine.db");
        var clock = new NodaTime.Testing.FakeClock(Instant.FromUtc(2026, 11, 27, 9, 0));
        using (var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddSingleton<NodaTime.IClock>(clock)
            .AddMedCoordEngine(o => o.DatabasePath = db)
            .BuildServiceProvider())
        {
            var referrals = services.GetRequiredService<MedCoord.Engine.ReferralService>();
            await referrals.CreateAsync(MedCoord.Engine.Referrals.ReferralLifecycle.Draft("ref-7", "pat-7", "coordinator-1", "cardiology", MedCoord.Engine.Referrals.ReferralPriority.Routine, clock), "coordinator-1");
            await referrals.MoveAsync("ref-7", MedCoord.Engine.Referrals.ReferralStatus.Sent, "coordinator-1", "sent");
            await referrals.MoveAsync("ref-7", MedCoord.Engine.Referrals.ReferralStatus.Accepted, "coordinator-1", "accepted");
        }

        var (intact, stdout, _) = await Run("audit", "verify", "--db", db);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var edit = connection.CreateCommand();
            edit.CommandText = "UPDATE audit_log SET actor = 'coordinator-2' WHERE sequence = 2";
            edit.ExecuteNonQuery();
        }

        var (broken, _, stderr) = await Run("audit", "verify", "--db", db);
        var (missing, _, missingErr) = await Run("audit", "verify", "--db", Path.Combine(_dir, "none.db"));

        Assert.Equal(0, intact);
        Assert.Contains("audit log intact: 3 entries", stdout);
        Assert.Equal(1, broken);
        Assert.Equal("audit log broken at entry 2: entry 2 does not match its hash: edited", stderr.Trim());
        Assert.Equal(2, missing);
        Assert.Contains("--db: no database file at", missingErr);
        Assert.False(File.Exists(Path.Combine(_dir, "none.db")));
    }

    /// <summary>The coordinator's day runs from a clean start, prints what the issue asks for, and its audit trail catches a deleted row.</summary>
    [Fact]
    public async Task Demo_SampleDay_PrintsTheWorklistAndAuditVerifyCatchesADeletedRow()
    {
        var db = Path.Combine(_dir, "demo.db");

        var (code, stdout, stderr) = await Run("demo", "--db", db);
        var (again, _, againErr) = await Run("demo", "--db", db);
        var (intact, _, _) = await Run("audit", "verify", "--db", db);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM audit_log WHERE sequence = 7";
            delete.ExecuteNonQuery();
        }

        var (broken, _, brokenErr) = await Run("audit", "verify", "--db", db);

        Assert.Equal(0, code);
        Assert.Equal([
            "warning: no data key (MEDCOORD_DATA_KEY or --data-key-file): the records, patient names included, are stored in clear",
            "warning: no audit key (MEDCOORD_AUDIT_KEY or --audit-key-file): the audit chain is not keyed; anyone who can write the file could recompute it",
        ], stderr.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("scheduler: Optimal, 4 booked", stdout);
        Assert.Contains("check-in refused for plan-b/eye-exam/1: no 'treatment' consent is on file", stdout);
        Assert.Contains("plan-a/consult/1 fulfilled", stdout);
        Assert.Contains("no-shows marked: plan-b/eye-exam/1", stdout);
        Assert.Contains("referral ref-cardio: sent, accepted, booked, seen, report received, closed", stdout);
        Assert.Contains("│ referral  │ ref-derm", stdout);
        Assert.Contains("│ care plan │ plan-d/retinal-screen", stdout);
        Assert.Contains("│ result    │ res-lipids/v1/ProviderReview", stdout);
        Assert.DoesNotContain("ref-cardio   ", stdout);
        Assert.Contains("intact", stdout);
        Assert.Equal(2, again);
        Assert.Contains("already exists", againErr);
        Assert.Equal(0, intact);
        Assert.Equal(1, broken);
        Assert.Contains("audit log broken at entry 7: entry 7 is missing", brokenErr);
    }

    [Fact]
    public async Task Claim_Sample_PrintsTheEstimateAndWritesThe837()
    {
        var outPath = Path.Combine(_dir, "claims.837");

        var (code, stdout, stderr) = await Run("claim", TestData("claims.json"), "--x12", outPath);

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stderr);
        Assert.Contains("claim CLM-2026-0001: 3 lines, total charge 230.01; eligibility Active", stdout);
        Assert.Contains("   1     185.00     142.50  fee schedule      30.00      112.50         0.00    142.50      0.00", stdout);
        Assert.Contains("   3       0.01       0.01  charge             0.00        0.01         0.00      0.01      0.00", stdout);
        Assert.Contains("total    230.01     170.91                    30.00      140.91         0.00    170.91      0.00", stdout);
        Assert.Contains("(out-of-pocket maximum reached: 88.00 less)", stdout);
        Assert.Contains("claim CLM-2026-0003: 1 line, total charge 410.00; eligibility Active", stdout);
        var x12 = File.ReadAllText(outPath);
        Assert.StartsWith("ISA*00*", x12);
        Assert.EndsWith("IEA*1*000000042~\n", x12);
        Assert.Equal(3, x12.Split("~\n").Count(s => s.StartsWith("CLM*", StringComparison.Ordinal)));
        Assert.Contains("~\nSBR*S*18*SM-100******12~\n", x12);
    }

    [Fact]
    public async Task Claim_BadClaims_ExitTwoWithOneLinePerProblemAndWriteNothing()
    {
        var bad = Path.Combine(_dir, "bad-claims.json");
        File.WriteAllText(bad, File.ReadAllText(TestData("claims.json"))
            .Replace("\"1234567893\"", "\"1234567890\"", StringComparison.Ordinal)
            .Replace("\"E78.5\"", "\"E78.\"", StringComparison.Ordinal));
        var outPath = Path.Combine(_dir, "bad.837");

        var (code, _, stderr) = await Run("claim", bad, "--x12", outPath);
        var (typo, _, typoErr) = await Run("claim", TestData("day-unit.json"), "--x12", outPath);

        Assert.Equal(2, code);
        var lines = stderr.Trim().Split('\n');
        Assert.Contains($"{bad}: claims[0].billingProvider.npi: '1234567890' is not a valid NPI (ten digits with a Luhn check digit)", lines);
        Assert.Contains($"{bad}: claims[1].billingProvider.npi: '1234567890' is not a valid NPI (ten digits with a Luhn check digit)", lines);
        Assert.Contains($"{bad}: claims[2].billingProvider.npi: '1234567890' is not a valid NPI (ten digits with a Luhn check digit)", lines);
        Assert.Contains(lines, l => l.StartsWith($"{bad}: claims[0].diagnoses[2]: ICD-10-CM code", StringComparison.Ordinal));
        Assert.Equal(4, lines.Length);
        Assert.Equal(2, typo);
        Assert.Contains("horizon", typoErr);
        Assert.DoesNotContain("   at ", stderr + typoErr);
        Assert.False(File.Exists(outPath));
    }
}
