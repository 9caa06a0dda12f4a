using FsCheck;
using FsCheck.Xunit;
using MedCoord.Scheduling.Tests.Verification;
using MedCoord.Scheduling.Solving.CpSat;
using MedCoord.Scheduling.Time;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>The soft rules clinics ask for (continuity, a per-day cap, balanced load), each weighted next to waiting.</summary>
public sealed class SoftRuleTests
{
    private const string Ny = "America/New_York";
    private static readonly IsoDayOfWeek Mon = IsoDayOfWeek.Monday;
    private static readonly IsoDayOfWeek Tue = IsoDayOfWeek.Tuesday;

    private static readonly AppointmentScheduler ByNeighbourhoods = new() { WholeModelLimit = 0 };

    /// <summary>A week at one clinic; every request may go any day of it.</summary>
    private static Problem Clinic(IEnumerable<Provider> providers, IEnumerable<AppointmentRequest> requests, IEnumerable<Patient>? patients = null) =>
        Problem("2026-12-07", "2026-12-11",
            [Facility("main", Ny, Week("08:00", "17:00", Mon, Tue, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday))],
            [Room("exam-1", "main", "exam"), Room("exam-2", "main", "exam"), Room("exam-3", "main", "exam")],
            providers,
            patients ?? Enumerable.Range(1, 8).Select(i => Patient($"p{i}")),
            [Type("visit", 30, "gp", ["exam"])],
            requests);

    private static SolveOptions With(SoftRuleWeights weights) => Quick() with { SoftRules = weights };

    private static Schedule SolveChecked(Problem problem, SoftRuleWeights weights, AppointmentScheduler? scheduler = null)
    {
        var schedule = SolveVerified(problem, With(weights), scheduler);
        Assert.Equal(SoftRuleChecker.Costs(problem, schedule, weights), schedule.Objective.SoftRules);
        return schedule;
    }

    [Fact]
    public void Solve_Continuity_WaitsADayForThePreviousProviderWhenItsWeightIsAboveTheWaiting()
    {
        var providers = new[] { Provider("dr-a", "gp", "main", Week("08:00", "12:00", Mon)), Provider("dr-b", "gp", "main", Week("08:00", "12:00", Tue)) };
        var problem = Clinic(providers, [Request("r1", "p1", "visit")], [Patient("p1") with { PreviousProviderId = "dr-b" }]);

        var kept = Booked(SolveChecked(problem, new SoftRuleWeights(Continuity: 3)), "r1");
        var plain = SolveVerified(problem);

        Assert.Equal(("dr-b", Date("2026-12-08")), (kept.ProviderId, kept.Start.Date));
        Assert.Equal(("dr-a", Date("2026-12-07")), (Booked(plain, "r1").ProviderId, Booked(plain, "r1").Start.Date));
        Assert.Null(plain.Objective.SoftRules);
    }

    [Fact]
    public void Solve_Continuity_NeverCostsABooking()
    {
        // dr-b, the previous provider of both patients, has one slot all week: one patient sees dr-a instead of waiting unbooked.
        var providers = new[] { Provider("dr-a", "gp", "main", Week("08:00", "12:00", Mon)), Provider("dr-b", "gp", "main", Week("08:00", "08:30", Mon)) };
        var problem = Clinic(providers, [Request("r1", "p1", "visit", latest: "2026-12-07"), Request("r2", "p2", "visit", latest: "2026-12-07")],
            [Patient("p1") with { PreviousProviderId = "dr-b" }, Patient("p2") with { PreviousProviderId = "dr-b" }]);

        var schedule = SolveChecked(problem, new SoftRuleWeights(Continuity: 1000));

        Assert.Equal(2, schedule.Assignments.Count);
        Assert.Equal(new SoftRuleCosts(1000, 0, 0), schedule.Objective.SoftRules);
    }

    [Fact]
    public void Solve_DailyCap_SpreadsAProvidersDayWhenTheCapOutweighsWaiting()
    {
        var problem = Clinic([Provider("dr-a", "gp", "main", Week("08:00", "12:00")) with { DailyCap = 2 }],
            Enumerable.Range(1, 5).Select(i => Request($"r{i}", $"p{i}", "visit")));

        var schedule = SolveChecked(problem, new SoftRuleWeights(DailyCap: 5));

        Assert.All(schedule.Assignments.GroupBy(a => a.Start.Date), day => Assert.True(day.Count() <= 2));
        Assert.Equal(4, schedule.Objective.WaitingCost); // two on Monday, two on Tuesday (2 × 1 day), one on Wednesday (2 days)
        Assert.Equal(new SoftRuleCosts(0, 0, 0), schedule.Objective.SoftRules);
    }

    [Fact]
    public void Solve_DefaultDailyCapFromOptions_AppliesToProvidersWithoutTheirOwn()
    {
        var problem = Clinic([Provider("dr-a", "gp", "main", Week("08:00", "12:00")), Provider("dr-b", "gp", "main", Week("08:00", "12:00")) with { DailyCap = 4 }],
            Enumerable.Range(1, 6).Select(i => Request($"r{i}", $"p{i}", "visit", latest: "2026-12-07")));

        var schedule = SolveChecked(problem, new SoftRuleWeights(DailyCap: 10, DefaultDailyCap: 1));

        Assert.Equal(6, schedule.Assignments.Count);
        Assert.Equal(new SoftRuleCosts(0, 10, 0), schedule.Objective.SoftRules); // dr-a 1 (its default cap) + dr-b 4 = 5; the sixth is over one cap
    }

    [Fact]
    public void Solve_Balance_SplitsADayEvenlyBetweenTheProvidersOfASkill()
    {
        var providers = new[] { Provider("dr-a", "gp", "main", Week("08:00", "12:00", Mon)), Provider("dr-b", "gp", "main", Week("10:00", "12:00", Mon)) };
        var problem = Clinic(providers, Enumerable.Range(1, 6).Select(i => Request($"r{i}", $"p{i}", "visit", latest: "2026-12-07")));

        var schedule = SolveChecked(problem, new SoftRuleWeights(Balance: 1));

        Assert.Equal(3, schedule.Assignments.Count(a => a.ProviderId == "dr-a"));
        Assert.Equal(3, schedule.Assignments.Count(a => a.ProviderId == "dr-b"));
        Assert.Equal(new SoftRuleCosts(0, 0, 0), schedule.Objective.SoftRules);
    }

    [Fact]
    public void Solve_Balance_NarrowsTheGapBetweenTheBusiestAndTheLeastBusy_NotOnlyRaisesTheLeast()
    {
        // dr-c can see one patient: the least load is at most 1 whatever happens, so only the busiest provider's load
        // tells 3-2-1 (a gap of 2) from 4-1-1 (a gap of 3).
        var providers = new[]
        {
            Provider("dr-a", "gp", "main", Week("08:00", "12:00", Mon)), Provider("dr-b", "gp", "main", Week("08:00", "12:00", Mon)),
            Provider("dr-c", "gp", "main", Week("08:00", "08:30", Mon)),
        };
        var problem = Clinic(providers, Enumerable.Range(1, 6).Select(i => Request($"r{i}", $"p{i}", "visit", latest: "2026-12-07")));

        var schedule = SolveChecked(problem, new SoftRuleWeights(Balance: 1));

        Assert.Equal(ScheduleStatus.Optimal, schedule.Status);
        Assert.Equal(6, schedule.Assignments.Count);
        Assert.Equal([1, 2, 3], schedule.Assignments.GroupBy(a => a.ProviderId).Select(g => g.Count()).Order());
        Assert.Equal(new SoftRuleCosts(0, 0, 2), schedule.Objective.SoftRules);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Solve_Balance_RaisesTheLeastBusy_WhereTheBusiestCannotChange(bool byNeighbourhoods)
    {
        // dr-a's three slots go to the three patients who can only come then; b1 takes dr-b. x may go to dr-b on Monday
        // (3-2-0, a gap of 3) or to dr-c on Tuesday (3-1-1, a gap of 2): the busiest load is 3 either way.
        var morning = new[] { Week("08:00", "09:30", Mon) };
        var providers = new[]
        {
            Provider("dr-a", "gp", "main", Week("08:00", "09:30", Mon)), Provider("dr-b", "gp", "main", Week("10:00", "11:00", Mon)),
            Provider("dr-c", "gp", "main", Week("08:00", "08:30", Tue)),
        };
        var problem = Clinic(providers,
            [.. Enumerable.Range(1, 3).Select(i => Request($"a{i}", $"p{i}", "visit", latest: "2026-12-07")), Request("b1", "p4", "visit", latest: "2026-12-07"), Request("x", "p5", "visit")],
            [.. Enumerable.Range(1, 3).Select(i => new Patient($"p{i}", Zone(Ny), morning, [])), Patient("p4"), Patient("p5")]);

        var schedule = SolveChecked(problem, new SoftRuleWeights(Balance: 10), byNeighbourhoods ? ByNeighbourhoods : null);

        Assert.Equal(5, schedule.Assignments.Count);
        Assert.Equal(("dr-c", Date("2026-12-08")), (Booked(schedule, "x").ProviderId, Booked(schedule, "x").Start.Date));
        Assert.Equal(new SoftRuleCosts(0, 0, 20), schedule.Objective.SoftRules);
    }

    [Fact]
    public void Model_AroundABook_CountsTheHeldBookingsInTheLoads()
    {
        // h1–h3 are held with dr-a; only x is modelled. Balance sees 3-1 (a gap of 2) with x at dr-b, not 1-0.
        var providers = new[] { Provider("dr-a", "gp", "main", Week("08:00", "12:00", Mon)), Provider("dr-b", "gp", "main", Week("08:00", "12:00", Mon)) };
        var problem = Clinic(providers, [.. Enumerable.Range(1, 3).Select(i => Request($"h{i}", $"p{i}", "visit", latest: "2026-12-07")), Request("x", "p4", "visit", latest: "2026-12-07")]);
        var calendar = new Calendar(problem);
        var candidates = RequestCandidates.Build(calendar).ToDictionary(c => c.Request.Id);
        var book = new Book();
        foreach (var i in Enumerable.Range(1, 3))
        {
            var facility = candidates[$"h{i}"].Facilities.Single();
            book.Add(candidates[$"h{i}"], new Placement(facility, facility.Providers.Single(p => p.ProviderId == "dr-a"), facility.Rooms[i - 1], facility.Starts.Ranges[0].Start + (30 * (i - 1))));
        }

        var model = new ScheduleModel([book.Restrict(candidates["x"], new HashSet<string>())!], around: book, soft: SoftRules.From(calendar, new SoftRuleWeights(Balance: 1)));
        model.Model.Add(model.Requests["x"].Scheduled == 1);
        model.Model.Minimize(model.SoftObjective);
        var answer = CpSatRunner.Solve(model.Model, new CpSatLimits(10), CpSatCall.Neighbourhood, null);

        Assert.Equal(Google.OrTools.Sat.CpSolverStatus.Optimal, answer.Status);
        Assert.Equal(2, answer.ObjectiveBound);
        Assert.Equal("dr-b", model.Requests["x"].Providers.Single(p => answer.IsTrue(p.Chosen)).Option.ProviderId);
    }

    [Fact]
    public void Tally_PricesOneMoreBooking_WithTheCountsKeptAsBookingsComeAndGo()
    {
        // dr-z has the skill but no hours: it is no provider of the skill, so it does not hold the least load at zero.
        var providers = new[]
        {
            Provider("dr-a", "gp", "main", Week("08:00", "12:00")) with { DailyCap = 1 }, Provider("dr-b", "gp", "main", Week("08:00", "12:00")),
            Provider("dr-c", "gp", "main", Week("08:00", "12:00")), new Provider("dr-z", ["gp"], [], []),
        };
        var problem = Clinic(providers, [.. Enumerable.Range(1, 4).Select(i => Request($"r{i}", $"p{i}", "visit"))],
            [Patient("p1") with { PreviousProviderId = "dr-b" }, Patient("p2"), Patient("p3"), Patient("p4")]);
        var rules = SoftRules.From(new Calendar(problem), new SoftRuleWeights(Continuity: 3, DailyCap: 5, Balance: 7))!;
        var r = problem.Requests.ToDictionary(q => q.Id);
        var (mon, tue) = (Date("2026-12-07"), Date("2026-12-08"));
        var tally = rules.NewTally();

        Assert.Equal(3 + 7, tally.Cost(r["r1"], "dr-a", mon)); // not the previous provider; the gap 0 becomes 1
        Assert.Equal(7, tally.Cost(r["r1"], "dr-b", mon));
        Assert.Equal(3, tally.Cost(r["r1"], null, mon)); // no provider: only continuity

        tally.Add(r["r2"], "dr-a", mon);
        Assert.Equal(5 + 7, tally.Cost(r["r3"], "dr-a", mon)); // over dr-a's cap of 1 that day; the gap 1 becomes 2
        Assert.Equal(7, tally.Cost(r["r3"], "dr-a", tue)); // another day: under the cap
        Assert.Equal(0, tally.Cost(r["r3"], "dr-b", mon)); // 1-1-0: the gap stays 1

        tally.Add(r["r3"], "dr-b", mon);
        Assert.Equal(-7, tally.Cost(r["r4"], "dr-c", mon)); // 1-1-1: the gap 1 becomes 0

        tally.Add(r["r1"], null, mon); // counts nowhere
        tally.Remove(r["r2"], "dr-a", mon);
        Assert.Equal(0, tally.Cost(r["r4"], "dr-a", mon)); // dr-a's day is free again; 1-1-0 keeps the gap at 1
    }

    [Fact]
    public void Solve_ByNeighbourhoods_ReachesTheSameSoftRuleOptimum()
    {
        var problem = Clinic([Provider("dr-a", "gp", "main", Week("08:00", "12:00")) with { DailyCap = 2 }, Provider("dr-b", "gp", "main", Week("08:00", "12:00", Tue))],
            Enumerable.Range(1, 6).Select(i => Request($"r{i}", $"p{i}", "visit")),
            Enumerable.Range(1, 8).Select(i => Patient($"p{i}") with { PreviousProviderId = i % 2 == 0 ? "dr-b" : null }));
        var weights = new SoftRuleWeights(Continuity: 2, DailyCap: 5, Balance: 1);

        var whole = SolveChecked(problem, weights);
        var byParts = SolveChecked(problem, weights, ByNeighbourhoods);

        Assert.Equal(ScheduleStatus.Optimal, whole.Status);
        Assert.Equal(whole.Objective.WaitingCost + whole.Objective.SoftRules!.Total, byParts.Objective.WaitingCost + byParts.Objective.SoftRules!.Total);
    }

    [Fact]
    public void ScheduleFile_SoftRuleCosts_RoundTrip()
    {
        var schedule = SolveChecked(Clinic([Provider("dr-a", "gp", "main", Week("08:00", "12:00")) with { DailyCap = 1 }],
            [Request("r1", "p1", "visit", latest: "2026-12-07"), Request("r2", "p2", "visit", latest: "2026-12-07")]), new SoftRuleWeights(DailyCap: 7));

        var back = ScheduleFile.Parse(ScheduleFile.Serialize(schedule));

        Assert.Equal(new SoftRuleCosts(0, 7, 0), back.Objective.SoftRules);
    }

    [Fact]
    public void Solve_BadSoftRuleWeightsInTheCall_AreRefusedNamingTheField()
    {
        var problem = Clinic([Provider("dr-a", "gp", "main", Week("08:00", "12:00"))], [Request("r1", "p1", "visit")]);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AppointmentScheduler().Solve(problem, With(new SoftRuleWeights(Balance: -1))));

        Assert.Contains("SoftRules.balanceWeight: must be from 0 to 1000, found -1", error.Message, StringComparison.Ordinal);
    }

    /// <summary>On random multi-facility problems (DST, shared rooms, equipment), the reported costs are the independent checker's.</summary>
    [Property(MaxTest = 15)]
    public void Solve_RandomProblems_ReportTheSoftRuleCostsTheCheckerFinds(PositiveInt seed, PositiveInt size, bool byNeighbourhoods)
    {
        var rng = new Random(seed.Get);
        var problem = RandomProblems.Create(seed.Get, 5 + (size.Get % 30));
        problem = problem with
        {
            Providers = [.. problem.Providers.Select(p => rng.Next(3) == 0 ? p with { DailyCap = rng.Next(1, 4) } : p)],
            Patients = [.. problem.Patients.Select(p => rng.Next(3) == 0 ? p with { PreviousProviderId = problem.Providers[rng.Next(problem.Providers.Count)].Id } : p)],
        };
        var weights = new SoftRuleWeights(rng.Next(0, 4), rng.Next(0, 4), rng.Next(2) == 0 ? null : rng.Next(1, 4), rng.Next(0, 4));

        var schedule = SolveVerified(problem, Quick(3) with { SoftRules = weights }, byNeighbourhoods ? ByNeighbourhoods : null);

        Assert.Equal(weights.Any ? SoftRuleChecker.Costs(problem, schedule, weights) : null, schedule.Objective.SoftRules);
    }
}
