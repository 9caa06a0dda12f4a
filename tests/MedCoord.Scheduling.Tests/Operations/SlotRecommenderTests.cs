using FsCheck;
using FsCheck.Xunit;
using MedCoord.Scheduling.Tests.Verification;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Operations;

public sealed class SlotRecommenderTests
{
    private const string Ny = "America/New_York";

    private static Problem Clinic(IEnumerable<AppointmentRequest> requests, string start = "2026-12-07", string end = "2026-12-09", IEnumerable<Provider>? providers = null) =>
        Problem(start, end,
            [Facility("main", Ny, Week("08:00", "17:00"))],
            [Room("exam-1", "main", "exam"), Room("exam-2", "main", "exam")],
            providers ?? [Provider("dr-a", "gp", "main", Week("09:00", "12:00")), Provider("dr-b", "gp", "main", Week("09:00", "12:00"))],
            [Patient("p1"), Patient("p2"), Patient("p3"), Patient("p4")],
            [Type("visit", 30, "gp", ["exam"])],
            requests);

    private static Assignment At(string request, string patient, string provider, string room, string start, string end) =>
        new(request, patient, provider, room, "main", OffsetDateTimePatternParse(start), OffsetDateTimePatternParse(end));

    private static OffsetDateTime OffsetDateTimePatternParse(string text) => NodaTime.Text.OffsetDateTimePattern.ExtendedIso.Parse(text).Value;

    private static Schedule BookOf(params Assignment[] assignments) =>
        new(ScheduleStatus.Feasible, new ScheduleObjective(0, 0, 0), assignments, [], new SolveStats(0, 0, 0));

    private static string Local(SlotRecommendation s) => s.Start.LocalDateTime.ToString("yyyy-MM-dd HH:mm", null);

    [Fact]
    public void Recommend_FirstDayTakenByOneProvider_OffersTheOtherProviderFirstDayThenEarliestStarts()
    {
        var problem = Clinic([Request("r1", "p1", "visit", "2026-12-07"), Request("r2", "p2", "visit", "2026-12-07")]);
        var book = BookOf(At("r1", "p1", "dr-a", "exam-1", "2026-12-07T09:00:00-05:00", "2026-12-07T09:30:00-05:00"));

        var slots = new SlotRecommender(problem, book).Recommend("r2", top: 4).Slots;

        Assert.Equal(["2026-12-07 09:00 dr-b", "2026-12-07 09:15 dr-b", "2026-12-07 09:30 dr-a", "2026-12-07 09:30 dr-b"],
            slots.Select(s => $"{Local(s)} {s.ProviderId}"));
        Assert.Equal("exam-2", slots[0].RoomId);
        Assert.All(slots, s => Assert.Equal(new ObjectiveChange(1, 0, 0), s.Change));
    }

    [Fact]
    public void Recommend_PreferredProvider_ComesFirstWithinADayButNotBeforeAnEarlierDay()
    {
        var problem = Clinic([Request("r1", "p1", "visit", "2026-12-07", priority: 3) with { PreferredProviderId = "dr-b" }],
            providers: [Provider("dr-a", "gp", "main", Week("09:00", "12:00")), Provider("dr-b", "gp", "main", Week("11:00", "12:00"))]);

        var slots = new SlotRecommender(problem, BookOf()).Recommend("r1", top: 3).Slots;

        Assert.Equal(["2026-12-07 11:00 dr-b", "2026-12-07 11:15 dr-b", "2026-12-07 11:30 dr-b"], slots.Select(s => $"{Local(s)} {s.ProviderId}"));
        Assert.Equal(new ObjectiveChange(3, 0, 1), slots[0].Change);
    }

    [Fact]
    public void Recommend_FullFirstDay_CountsWaitingCostForTheNextDays()
    {
        var problem = Clinic([Request("r1", "p1", "visit", "2026-12-07", priority: 2), Request("x", "p2", "visit", "2026-12-07", "2026-12-07")],
            providers: [Provider("dr-a", "gp", "main", Week("09:00", "09:30"))]);
        var book = BookOf(At("x", "p2", "dr-a", "exam-1", "2026-12-07T09:00:00-05:00", "2026-12-07T09:30:00-05:00"));

        var slots = new SlotRecommender(problem, book).Recommend("r1", top: 2).Slots;

        Assert.Equal(["2026-12-08 09:00", "2026-12-09 09:00"], slots.Select(Local));
        Assert.Equal([2L, 4L], slots.Select(s => s.Change.WaitingCost));
    }

    [Fact]
    public void Recommend_FreeStretchOffTheGrid_StartsAtItThenOnTheLocalQuarterHours()
    {
        var problem = Clinic([Request("r1", "p1", "visit", "2026-12-07", "2026-12-07"), Request("x", "p2", "visit")],
            providers: [Provider("dr-a", "gp", "main", Week("09:00", "10:30"))]);
        var book = BookOf(At("x", "p2", "dr-a", "exam-1", "2026-12-07T08:50:00-05:00", "2026-12-07T09:05:00-05:00") with { ProviderId = null });

        // The book's appointment lasts 15 minutes, not the type's 30: the book is refused, naming where.
        var error = Assert.Throws<ProblemValidationException>(() => new SlotRecommender(problem, book));
        Assert.Contains(error.Errors, e => e.Path == "assignments[0].end");
        Assert.Contains(error.Errors, e => e.Path == "assignments[0].provider");

        var valid = BookOf(At("x", "p2", "dr-a", "exam-1", "2026-12-07T08:35:00-05:00", "2026-12-07T09:05:00-05:00"));
        var slots = new SlotRecommender(problem, valid).Recommend("r1", top: 3).Slots;
        Assert.Equal(["2026-12-07 09:05", "2026-12-07 09:15", "2026-12-07 09:30"], slots.Select(Local));
    }

    [Fact]
    public void Recommend_SpringForwardDay_StepsOnTheLocalClock()
    {
        var problem = Problem("2026-03-08", "2026-03-08",
            [Facility("main", Ny)],
            [],
            [Provider("dr-a", "gp", "main", Week("01:00", "05:00"))],
            [Patient("p1")],
            [Type("call", 60, "gp")],
            [Request("r1", "p1", "call")]);

        var slots = new SlotRecommender(problem, BookOf()).Recommend("r1", top: 5, stepMinutes: 30).Slots;

        // 02:00–03:00 does not exist that day: 01:30 lasts until 03:30 local, and the next starts are 03:00, 03:30, 04:00.
        Assert.Equal(["2026-03-08 01:00", "2026-03-08 01:30", "2026-03-08 03:00", "2026-03-08 03:30", "2026-03-08 04:00"], slots.Select(Local));
        Assert.All(slots, s => Assert.Equal(Duration.FromMinutes(60), s.End.ToInstant() - s.Start.ToInstant()));
    }

    [Fact]
    public void Book_ThenRecommend_KeepsClearOfTheNewBooking()
    {
        var problem = Clinic([Request("r1", "p1", "visit", "2026-12-07"), Request("r2", "p2", "visit", "2026-12-07")],
            providers: [Provider("dr-a", "gp", "main", Week("09:00", "10:00"))]);
        var recommender = new SlotRecommender(problem, BookOf());
        var first = recommender.Recommend("r1", top: 1).Slots.Single();

        recommender.Book("r1", first);
        var next = recommender.Recommend("r2", top: 1).Slots.Single();

        Assert.Equal("2026-12-07 09:30", Local(next));
        var again = Assert.Throws<RequestRefusedException>(() => recommender.Recommend("r1"));
        Assert.Equal("requestId", again.ParamName);
        Assert.Contains("already booked", again.Message);
        Assert.Throws<ArgumentException>(() => recommender.Book("r2", first));
    }

    [Fact]
    public void Refusal_SaysWhyARequestCannotBeRecommended_AndRecommendThrowsIt()
    {
        var problem = Clinic([Request("r1", "p1", "visit", "2026-12-07"), Request("r2", "p2", "visit", "2026-12-07")],
            providers: [Provider("dr-a", "gp", "main", Week("09:00", "10:00"))]);
        var recommender = new SlotRecommender(problem, BookOf());
        recommender.Book("r1", recommender.Recommend("r1", top: 1).Slots.Single());

        Assert.Null(recommender.Refusal("r2"));
        Assert.Equal(new RequestRefusal("r1", RequestRefusalReason.AlreadyBooked, "request 'r1' is already booked"), recommender.Refusal("r1"));
        Assert.Equal(new RequestRefusal("zz", RequestRefusalReason.UnknownRequest, "unknown request 'zz'"), recommender.Refusal("zz"));
        var thrown = Assert.Throws<RequestRefusedException>(() => recommender.Recommend("zz"));
        Assert.Equal(recommender.Refusal("zz"), thrown.Refusal);
        Assert.Equal(new ValidationError("--request", "unknown request 'zz'"), thrown.Refusal.At("--request"));
    }

    [Fact]
    public void Recommend_Cancelled_SearchesNoFurtherDay()
    {
        var problem = Clinic([Request("r1", "p1", "visit")], providers: [Provider("dr-a", "gp", "main", Week("09:00", "10:00"))]);
        var recommender = new SlotRecommender(problem, BookOf());

        Assert.NotEmpty(recommender.Recommend("r1", top: 3).Slots);
        var cancelled = recommender.Recommend("r1", top: 3, cancellationToken: new CancellationToken(canceled: true));

        Assert.Empty(cancelled.Slots);
        Assert.Null(cancelled.Reason);
    }

    [Fact]
    public void Recommend_BadArguments_NameTheParameter()
    {
        var recommender = new SlotRecommender(Clinic([Request("r1", "p1", "visit")]), BookOf());

        Assert.Equal("requestId", Assert.Throws<RequestRefusedException>(() => recommender.Recommend("nope")).ParamName);
        Assert.Equal("top", Assert.Throws<ArgumentOutOfRangeException>(() => recommender.Recommend("r1", top: 0)).ParamName);
        Assert.Equal("stepMinutes", Assert.Throws<ArgumentOutOfRangeException>(() => recommender.Recommend("r1", stepMinutes: 0)).ParamName);
    }

    [Fact]
    public void Recommend_NoQualifiedProviderOrUnbookedPredecessor_SaysWhy()
    {
        var problem = Problem("2026-12-07", "2026-12-09",
            [Facility("main", Ny)], [], [Provider("dr-a", "gp", "main", Week("09:00", "12:00"))], [Patient("p1")],
            [Type("visit", 30, "gp"), Type("derm", 30, "dermatology")],
            [Request("r1", "p1", "derm"), Request("a", "p1", "visit"), Request("b", "p1", "visit") with { After = [new RequestLink("a", 0, null)] }]);
        var recommender = new SlotRecommender(problem, BookOf());

        Assert.Equal(UnscheduledReason.NoQualifiedProvider, recommender.Recommend("r1").Reason);
        var after = recommender.Recommend("b");
        Assert.Empty(after.Slots);
        Assert.Equal(UnscheduledReason.PredecessorUnscheduled, after.Reason);
    }

    [Fact]
    public void Recommend_BookedFollower_KeepsTheLinkGapBeforeIt()
    {
        var problem = Clinic([Request("lab", "p1", "visit"), Request("consult", "p1", "visit") with { After = [new RequestLink("lab", 30, 90)] }]);
        var book = BookOf(At("consult", "p1", "dr-a", "exam-1", "2026-12-08T11:00:00-05:00", "2026-12-08T11:30:00-05:00"));

        var slots = new SlotRecommender(problem, book).Recommend("lab", top: 10).Slots;

        // The lab must end 30 to 90 minutes before 11:00: start 09:00 to 10:00 that day.
        Assert.Equal(["2026-12-08 09:00", "2026-12-08 09:15", "2026-12-08 09:30", "2026-12-08 09:45", "2026-12-08 10:00"], slots.Select(Local).Distinct());
    }

    /// <summary>Every slot offered, added to the book, leaves a schedule the independent verifier accepts.</summary>
    [Property(MaxTest = 15)]
    public void Recommend_EverySlotIsFeasibleAgainstTheBook(NonNegativeInt seed, PositiveInt size)
    {
        var problem = RandomProblems.Create(seed.Get, 10 + (size.Get % 40));
        var book = SolveVerified(problem, Quick(2));
        var recommender = new SlotRecommender(problem, book);

        foreach (var unscheduled in book.Unscheduled)
        {
            foreach (var slot in recommender.Recommend(unscheduled.RequestId, top: 5).Slots)
            {
                var request = problem.Requests.First(r => r.Id == unscheduled.RequestId);
                var withSlot = book with
                {
                    Assignments = [.. book.Assignments, new Assignment(request.Id, request.PatientId, slot.ProviderId, slot.RoomId, slot.FacilityId, slot.Start, slot.End)],
                    Unscheduled = [.. book.Unscheduled.Where(u => u.RequestId != request.Id)],
                };
                var violations = ScheduleVerifier.Violations(problem, withSlot);
                Assert.True(violations.Count == 0, $"{request.Id} at {slot.Start}: {string.Join("; ", violations)}");
            }
        }
    }

    [Fact]
    public void Recommend_ContinuityWeighted_RanksThePreviousProviderFirstAndPricesTheOthers()
    {
        var problem = Clinic([Request("r1", "p1", "visit", "2026-12-07")]) with
        {
            Patients = [Patient("p1") with { PreviousProviderId = "dr-b" }, Patient("p2"), Patient("p3"), Patient("p4")],
            Options = new SolveOptions(SoftRules: new SoftRuleWeights(Continuity: 3)),
        };

        var slots = new SlotRecommender(problem, BookOf()).Recommend("r1", top: 40).Slots;

        Assert.All(slots.Take(11), s => Assert.Equal(("dr-b", 0L), (s.ProviderId, s.Change.SoftRuleCost)));
        Assert.Equal(slots.Select(s => s.Change.WaitingCost + s.Change.SoftRuleCost).Order(), slots.Select(s => s.Change.WaitingCost + s.Change.SoftRuleCost));
        Assert.Contains(slots, s => s.ProviderId == "dr-a" && s.Change.SoftRuleCost == 3);
        Assert.Contains("\"softRuleCost\": 3", SlotsFile.Serialize(new SlotRecommendations("r1", slots, null, null)));
    }

    /// <summary>Each slot's soft-rule cost is what the independent checker finds the book gains by booking it.</summary>
    [Property(MaxTest = 10)]
    public void Recommend_SoftRuleCostOfEverySlotIsTheCheckersDifference(NonNegativeInt seed, PositiveInt size)
    {
        var rng = new Random(seed.Get);
        var problem = RandomProblems.Create(seed.Get, 10 + (size.Get % 30));
        var weights = new SoftRuleWeights(rng.Next(1, 4), rng.Next(1, 4), rng.Next(1, 3), rng.Next(1, 4));
        problem = problem with
        {
            Providers = [.. problem.Providers.Select(p => rng.Next(3) == 0 ? p with { DailyCap = rng.Next(1, 3) } : p)],
            Patients = [.. problem.Patients.Select(p => rng.Next(2) == 0 ? p with { PreviousProviderId = problem.Providers[rng.Next(problem.Providers.Count)].Id } : p)],
            Options = new SolveOptions(SoftRules: weights),
        };
        var book = SolveVerified(problem, Quick(2));
        var before = SoftRuleChecker.Costs(problem, book, weights).Total;
        var recommender = new SlotRecommender(problem, book);

        foreach (var unscheduled in book.Unscheduled)
        {
            foreach (var slot in recommender.Recommend(unscheduled.RequestId, top: 5).Slots)
            {
                var request = problem.Requests.First(r => r.Id == unscheduled.RequestId);
                var withSlot = book with { Assignments = [.. book.Assignments, new Assignment(request.Id, request.PatientId, slot.ProviderId, slot.RoomId, slot.FacilityId, slot.Start, slot.End)] };
                Assert.Equal(SoftRuleChecker.Costs(problem, withSlot, weights).Total - before, slot.Change.SoftRuleCost);
            }
        }
    }
}
