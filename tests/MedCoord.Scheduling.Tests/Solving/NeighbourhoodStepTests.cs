using System.Diagnostics;
using Google.OrTools.Sat;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Solving.CpSat;
using MedCoord.Scheduling.Time;
using MedCoord.Scheduling.Tests.Isolation;
using static MedCoord.Scheduling.Tests.TestProblems;
using Score = MedCoord.Scheduling.Solving.NeighbourhoodSearch.Score;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>
/// The neighbourhood search's steps one at a time, on a hand-made book: which requests a neighbourhood frees, what
/// its sub-problem holds, and which sub-solve results are kept.
/// </summary>
public sealed partial class NeighbourhoodStepTests
{
    private const string Paris = "Europe/Paris";

    /// <summary>Two weeks from Monday 2026-12-07 in Paris, one exam room, dr-a working the given hours on Mondays, patients p1–p9, 30-minute visits.</summary>
    private static Problem Clinic(IEnumerable<AppointmentRequest> requests, string from = "09:00", string to = "11:00", IEnumerable<RequestSeries>? series = null) =>
        Problem("2026-12-07", "2026-12-18",
            [Facility("main", Paris)], [Room("exam-1", "main", "exam")],
            [Provider("dr-a", "gp", "main", Week(from, to, IsoDayOfWeek.Monday))],
            [.. Enumerable.Range(1, 9).Select(i => Patient($"p{i}"))],
            [Type("visit", 30, "gp", ["exam"])],
            requests) with { Series = [.. series ?? []] };

    private sealed class Step
    {
        public Step(Problem problem, IReadOnlyDictionary<string, Anchor>? anchors = null, int workers = 2, SoftRuleWeights? soft = null, int? size = null, IProgress<SolveProgress>? progress = null, int seconds = 20)
        {
            Calendar = new Calendar(problem);
            Candidates = RequestCandidates.Build(Calendar);
            Monitor = new(Log);
            Settings = new SolveSettings(Duration.FromSeconds(seconds), workers, 0, SoftRules: soft, NeighbourhoodSize: size) { Monitor = Monitor };
            Search = new NeighbourhoodSearch(Calendar, Candidates, Settings, progress, CancellationToken.None, Stopwatch.StartNew(), anchors);
        }

        public Calendar Calendar { get; }

        public IReadOnlyList<RequestCandidates> Candidates { get; }

        public RecordingLogger<NeighbourhoodStepTests> Log { get; } = new();

        /// <summary>Gets what counts the dropped placements (and logs them to <see cref="Log"/>).</summary>
        public SolveMonitor Monitor { get; }

        /// <summary>Gets the messages of the dropped placements logged so far.</summary>
        public IEnumerable<string> Dropped => Log.Entries.Where(e => e.Event.Name == "PlacementsDropped").Select(e => e.Message);

        public SolveSettings Settings { get; }

        public NeighbourhoodSearch Search { get; }

        public RequestCandidates this[string id] => Candidates.Single(c => c.Request.Id == id);

        public HashSet<RequestCandidates> Set(params string[] ids) => [.. ids.Select(id => this[id])];

        /// <summary>The minute of a Paris wall-clock time on the first Monday (or a later date).</summary>
        public long At(string time, string date = "2026-12-07") => Calendar.Timeline.ToMinute(NodaTime.Text.OffsetDateTimePattern.GeneralIso.Parse($"{date}T{time}:00+01:00").Value.ToInstant());

        /// <summary>The request with its provider and room (the only ones, or <paramref name="provider"/> and <paramref name="room"/>) at <paramref name="minute"/>, in <paramref name="c"/>'s first facility option.</summary>
        public static Placement Place(RequestCandidates c, long minute, string? provider = null, string? room = null) =>
            new(c.Facilities[0], c.Facilities[0].Providers.Single(p => provider is null || p.ProviderId == provider), c.Facilities[0].Rooms.Single(r => room is null || r.RoomId == room), minute);

        /// <summary>A book holding one request at a time with a given provider.</summary>
        public Book BookWith(string id, string time, string provider)
        {
            var book = new Book();
            book.Add(this[id], Place(this[id], At(time), provider));
            return book;
        }

        /// <summary>A book holding the given requests at the given times.</summary>
        public Book Book(params (string Id, string Time)[] placements)
        {
            var book = new Book();
            foreach (var (id, time) in placements)
            {
                book.Add(this[id], Place(this[id], At(time)));
            }

            return book;
        }

        public Job Prepare(Book book, params string[] free) => Search.Prepare(book, Set(free), 20, 1)!;

        /// <summary>A sub-solve result placing the job's requests at the given times.</summary>
        public static SubResult Result(Job job, CpSolverStatus status, params (string Id, long Minute)[] placements) =>
            new(status, placements.ToDictionary(p => p.Id, p => Place(job.Restricted.Single(r => r.Request.Id == p.Id), p.Minute), StringComparer.Ordinal));

        /// <summary>A sub-solve result placing one of the job's requests with a given provider.</summary>
        public static SubResult With(Job job, string id, long minute, string provider) =>
            new(CpSolverStatus.Optimal, new() { [id] = Place(job.Restricted.Single(r => r.Request.Id == id), minute, provider) });
    }

    private static List<string> Ids(IEnumerable<RequestCandidates> requests) => [.. requests.Select(r => r.Request.Id).Order(StringComparer.Ordinal)];

    private static List<string> Booked(Book book) => [.. book.Placements.Keys.Order(StringComparer.Ordinal)];

    /// <summary>How a dropped neighbourhood result's log message begins; the rule it broke follows.</summary>
    private const string DroppedPrefix = "Placements from a neighbourhood broke a rule of the problem and were dropped: ";

    private static readonly RequestSeries Course = new("course", ["s1", "s2"], 7);

    [Fact]
    public void Closed_AFreedVisitFreesItsWholeSeries_UnlessAVisitIsInFlight()
    {
        var step = new Step(Clinic([Request("s1", "p1", "visit"), Request("s2", "p1", "visit"), Request("x", "p2", "visit")], series: [Course]));
        var book = step.Book(("s1", "09:00"), ("x", "09:30"));

        Assert.Equal(["s1", "s2"], Ids(step.Search.Closed(book, step.Set("s1"), [])));
        Assert.Equal(["s1", "s2", "x"], Ids(step.Search.Closed(book, step.Set("s2", "x"), [])));
        Assert.Equal(["x"], Ids(step.Search.Closed(book, step.Set("s1", "x"), step.Set("s2"))));
    }

    [Fact]
    public void Closed_AFreedRequestWhoseBookedSuccessorStaysPut_StaysPut_AllTheWayUpItsChain()
    {
        var step = new Step(Clinic([Request("a", "p1", "visit"), Request("b", "p2", "visit") with { After = [new RequestLink("a")] }, Request("c", "p3", "visit") with { After = [new RequestLink("b")] }]));
        var all = step.Book(("a", "09:00"), ("b", "09:30"), ("c", "10:00"));

        Assert.Empty(step.Search.Closed(all, step.Set("a", "b"), []));
        Assert.Equal(["a", "b", "c"], Ids(step.Search.Closed(all, step.Set("a", "b", "c"), [])));
        Assert.Equal(["b", "c"], Ids(step.Search.Closed(all, step.Set("b", "c"), [])));
        Assert.Equal(["a"], Ids(step.Search.Closed(step.Book(("a", "09:00")), step.Set("a"), [])));
        Assert.Empty(step.Search.Closed(step.Book(("a", "09:00"), ("b", "09:30")), step.Set("a"), []));
    }

    [Fact]
    public void DropFollowersOfMissing_DropsTheChainAfterAFreedRequestWithNoPlace_KeepsARequestHeldToOneLeftInPlace()
    {
        var step = new Step(Clinic(
        [
            Request("a", "p1", "visit"), Request("b", "p2", "visit") with { After = [new RequestLink("a")] },
            Request("c", "p3", "visit") with { After = [new RequestLink("b")] }, Request("d", "p4", "visit") with { After = [new RequestLink("x")] },
            Request("x", "p5", "visit"),
        ]));
        var book = step.Book(("x", "09:00"));
        HashSet<string> freed = ["a", "b", "c", "d"];
        List<RequestCandidates> Restricted(params string[] ids) => [.. ids.Select(id => book.Restrict(step[id], freed)!)];

        // Restricted, d keeps no link (x stays booked and holds it after 09:30); b and c keep theirs to freed requests.
        var missingA = Restricted("b", "c", "d");
        Assert.Empty(missingA[2].Request.After);
        NeighbourhoodSearch.DropFollowersOfMissing(missingA);
        var whole = Restricted("a", "b", "c", "d");
        NeighbourhoodSearch.DropFollowersOfMissing(whole);

        Assert.Equal(["d"], Ids(missingA));
        Assert.Equal(["a", "b", "c", "d"], Ids(whole));
    }

    [Fact]
    public void Prepare_AFreedRequestFollowingOneLeftInPlace_IsReplacedAfterIt()
    {
        var step = new Step(Clinic([Request("a", "p1", "visit"), Request("b", "p2", "visit", priority: 3) with { After = [new RequestLink("a")] }]));
        var book = step.Book(("a", "09:30"), ("b", "10:30"));

        var job = step.Prepare(book, "b");

        var b = Assert.Single(job.Restricted);
        Assert.Equal("b", b.Request.Id);
        Assert.Equal(step.At("10:00"), b.Facilities.Single().Starts.Ranges[0].Start);
        Assert.Equal(step.At("10:30"), job.Hint["b"].Start);
        Assert.Equal(new Score(3, 0, 0, 0), job.Before);

        var gain = step.Search.Finish(book, job, Step.Result(job, CpSolverStatus.Optimal, ("b", step.At("10:00"))));

        Assert.Equal(default(Score), gain);
        Assert.Equal(step.At("10:00"), book.Placements["b"].Start);
        Assert.Equal(0, step.Monitor.DroppedSolutions);
    }

    [Fact]
    public void Prepare_NoTimeLeft_NothingFreedWithAPlace_OrABookedRequestThatNoLongerFits_GivesNoJob()
    {
        var step = new Step(Clinic([Request("a", "p1", "visit"), Request("b", "p2", "visit"), Request("c", "p3", "visit", "2026-12-07", "2026-12-07"), Request("d", "p4", "visit", "2026-12-14", "2026-12-14")], "09:00", "10:00"));
        var book = step.Book(("a", "09:00"), ("b", "09:30"));

        Assert.NotNull(step.Search.Prepare(book, step.Set("a"), 20, 1));
        Assert.Null(step.Search.Prepare(book, step.Set("a"), 0, 1));
        Assert.Null(step.Search.Prepare(book, step.Set("c"), 20, 1));
        Assert.Equal(["d"], Ids(step.Search.Prepare(book, step.Set("c", "d"), 20, 1)!.Restricted));
        Assert.Null(step.Search.Prepare(book, [], 20, 1));

        // Tampered: c shares dr-a's 09:00 with b, and 09:30 is a's, so c has no place left once the rest of the book is kept.
        Assert.Null(step.Search.Prepare(step.Book(("a", "09:30"), ("b", "09:00"), ("c", "09:00")), step.Set("c", "d"), 20, 1));
    }

    [Fact]
    public void Prepare_SideBySideLanesSolveOnOneWorkerEach_ForAtMostAQuarterSecond()
    {
        var step = new Step(Clinic([Request("a", "p1", "visit")]), workers: 3);
        var book = step.Book();

        var alone = step.Search.Prepare(book, step.Set("a"), 20, 1)!;
        var beside = step.Search.Prepare(book, step.Set("a"), 20, 2)!;

        Assert.Equal(3, alone.Limits.Workers);
        Assert.Equal(1, beside.Limits.Workers);
        Assert.Equal(0.25, alone.Limits.Seconds);
        Assert.Equal(new Score(0, 0, 0, 0), alone.Before);
    }

    [Fact]
    public void Finish_KeepsABetterResult_AndReturnsWhatItGained()
    {
        var step = new Step(Clinic([Request("a", "p1", "visit", priority: 4), Request("x", "p2", "visit")]));
        var book = step.Book(("x", "09:00"));
        var job = step.Prepare(book, "a");

        var gain = step.Search.Finish(book, job, Step.Result(job, CpSolverStatus.Optimal, ("a", step.At("09:30"))));

        Assert.Equal(new Score(4, 0, 0, 0), gain);
        Assert.Equal(["a", "x"], Booked(book));
        Assert.Equal(0, step.Monitor.DroppedSolutions);
    }

    [Fact]
    public void Finish_LeavesTheBookAsItWas_WhenTheResultIsWorseOrMissing()
    {
        var step = new Step(Clinic([Request("a", "p1", "visit", priority: 4), Request("x", "p2", "visit")]));
        var book = step.Book(("a", "09:30"), ("x", "09:00"));
        var job = step.Prepare(book, "a");

        Assert.Null(step.Search.Finish(book, job, new SubResult(CpSolverStatus.Infeasible, null)));
        Assert.Null(step.Search.Finish(book, job, Step.Result(job, CpSolverStatus.Feasible)));

        Assert.Equal(["a", "x"], Booked(book));
        Assert.Equal(step.At("09:30"), book.Placements["a"].Start);
        Assert.Equal(0, step.Monitor.DroppedSolutions);
    }

    [Fact]
    public void Finish_DropsAndCounts_APlacementOfARequestNotFreed_OutsideItsOptions_OrASeriesInPart()
    {
        var step = new Step(Clinic([Request("a", "p1", "visit"), Request("x", "p2", "visit"), Request("s1", "p3", "visit"), Request("s2", "p3", "visit")], series: [Course]));
        var book = step.Book();
        var job = step.Prepare(book, "a");
        var course = step.Prepare(book, "s1", "s2");

        var notFreed = new SubResult(CpSolverStatus.Optimal, new() { ["x"] = Step.Place(step["x"], step.At("09:00")) });
        Assert.Null(step.Search.Finish(book, job, notFreed));
        Assert.Equal(1, step.Monitor.DroppedSolutions);
        Assert.Null(step.Search.Finish(book, job, Step.Result(job, CpSolverStatus.Optimal, ("a", step.At("08:30")))));
        Assert.Equal(2, step.Monitor.DroppedSolutions);
        Assert.Null(step.Search.Finish(book, course, Step.Result(course, CpSolverStatus.Optimal, ("s1", step.At("09:00")))));
        Assert.Equal(3, step.Monitor.DroppedSolutions);

        Assert.Empty(book.Placements);
        Assert.Equal(
            [
                DroppedPrefix + "is not freed",
                DroppedPrefix + "cannot start then at facility 'main'",
                DroppedPrefix + "series 'course' is not booked whole at its cadence",
            ],
            step.Dropped);
        Assert.NotNull(step.Search.Finish(book, course, Step.Result(course, CpSolverStatus.Optimal, ("s1", step.At("09:00")), ("s2", step.At("09:00", "2026-12-14")))));
        Assert.Equal(["s1", "s2"], Booked(book));
    }

    [Fact]
    public void Finish_AResultCutBeforeAnotherWasKept_IsCheckedAgainstTheBookAsItStands()
    {
        var step = new Step(Clinic([Request("a", "p1", "visit"), Request("b", "p2", "visit"), Request("c", "p3", "visit") with { After = [new RequestLink("a")] }]));
        var book = step.Book();
        var first = step.Prepare(book, "a");
        var second = step.Prepare(book, "b");

        Assert.NotNull(step.Search.Finish(book, first, Step.Result(first, CpSolverStatus.Optimal, ("a", step.At("09:00")))));

        // Cut before a was kept: its clash is the other lane's doing, dropped without counting.
        Assert.Null(step.Search.Finish(book, second, Step.Result(second, CpSolverStatus.Optimal, ("b", step.At("09:00")))));
        Assert.Equal(["a"], Booked(book));
        Assert.Equal(0, step.Monitor.DroppedSolutions);

        // Cut from the book as it stands: a start the book no longer leaves, a successor before its predecessor, or two
        // freed requests in one slot, is the sub-solve's own fault.
        var third = step.Prepare(book, "b");
        Assert.Null(step.Search.Finish(book, third, Step.Result(third, CpSolverStatus.Optimal, ("b", step.At("09:00")))));
        Assert.Equal(1, step.Monitor.DroppedSolutions);
        var successor = step.Prepare(book, "c");
        Assert.Null(step.Search.Finish(book, successor, new SubResult(CpSolverStatus.Optimal, new() { ["c"] = Step.Place(step["c"], step.At("09:00")) })));
        Assert.Equal(2, step.Monitor.DroppedSolutions);
        var pair = step.Prepare(book, "b", "c");
        Assert.Null(step.Search.Finish(book, pair, Step.Result(pair, CpSolverStatus.Optimal, ("b", step.At("09:30")), ("c", step.At("09:30")))));
        Assert.Equal(3, step.Monitor.DroppedSolutions);
        Assert.Equal([DroppedPrefix + "cannot start then at facility 'main'", DroppedPrefix + "cannot start then at facility 'main'", DroppedPrefix + "a placement overlaps the book or breaks a link"], step.Dropped);
        Assert.Equal(["a"], Booked(book));
        Assert.Equal(step.At("09:00"), book.Placements["a"].Start);
    }

    [Fact]
    public void Finish_ProvesTheScheduleOptimal_OnlyFromAnOptimalNeighbourhoodOfEveryMovableRequestCutFromTheBookAsItStands()
    {
        var step = new Step(Clinic([Request("a", "p1", "visit"), Request("b", "p2", "visit")]));
        var book = step.Book();

        var part = step.Prepare(book, "a");
        Assert.NotNull(step.Search.Finish(book, part, Step.Result(part, CpSolverStatus.Optimal, ("a", step.At("09:00")))));
        Assert.False(step.Search.Proven);

        var feasible = step.Prepare(book, "a", "b");
        var stale = step.Prepare(book, "a", "b");
        Assert.NotNull(step.Search.Finish(book, feasible, Step.Result(feasible, CpSolverStatus.Feasible, ("a", step.At("09:00")), ("b", step.At("09:30")))));
        Assert.False(step.Search.Proven);
        Assert.NotNull(step.Search.Finish(book, stale, Step.Result(stale, CpSolverStatus.Optimal, ("a", step.At("09:00")), ("b", step.At("09:30")))));
        Assert.False(step.Search.Proven);

        var whole = step.Prepare(book, "a", "b");
        Assert.NotNull(step.Search.Finish(book, whole, Step.Result(whole, CpSolverStatus.Optimal, ("a", step.At("09:00")), ("b", step.At("09:30")))));
        Assert.True(step.Search.Proven);
    }

    [Fact]
    public void ScoreOf_CountsPriority_AnchorsMovedOrDropped_Waiting_AndPreferredProviders()
    {
        var problem = Clinic([Request("a", "p1", "visit", priority: 2) with { PreferredProviderId = "dr-a" }, Request("b", "p2", "visit", priority: 3)]);
        var probe = new Step(problem);
        var anchors = new Dictionary<string, Anchor> { ["a"] = new("main", "dr-a", "exam-1", probe.At("09:00")) };
        var step = new Step(problem, anchors);
        var requests = step.Set("a", "b");

        Assert.Equal(new Score(5, 0, 0, 1), step.Search.ScoreOf(requests, step.Book(("a", "09:00"), ("b", "09:30")).Placements));
        Assert.Equal(new Score(5, 1, 0, 1), step.Search.ScoreOf(requests, step.Book(("a", "09:30"), ("b", "09:00")).Placements));
        Assert.Equal(new Score(3, 1, 0, 0), step.Search.ScoreOf(requests, step.Book(("b", "09:00")).Placements));
        Assert.Equal(new Score(5, 0, 3 * 7, 1), step.Search.ScoreOf(requests, new Dictionary<string, Placement>
        {
            ["a"] = Step.Place(step["a"], step.At("09:00")),
            ["b"] = Step.Place(step["b"], step.At("09:00", "2026-12-14")),
        }));
    }
    [Fact]
    public void Finish_DropsAndCounts_AResultThatMovesAPredecessorAfterItsBookedSuccessor()
    {
        var step = new Step(Clinic([Request("a", "p1", "visit"), Request("b", "p2", "visit") with { After = [new RequestLink("a")] }]));
        var book = step.Book(("a", "09:00"), ("b", "09:30"));
        var job = step.Prepare(book, "a");

        Assert.Null(step.Search.Finish(book, job, Step.Result(job, CpSolverStatus.Optimal, ("a", step.At("10:00")))));

        Assert.Equal(1, step.Monitor.DroppedSolutions);
        Assert.Equal([DroppedPrefix + "a placement overlaps the book or breaks a link"], step.Dropped);
        Assert.Equal(step.At("09:00"), book.Placements["a"].Start);
        Assert.Equal(step.At("09:30"), book.Placements["b"].Start);
    }

    /// <summary>Two providers; p1 saw dr-a before.</summary>
    private static Problem Continuity() =>
        Clinic([Request("a", "p1", "visit"), Request("x", "p2", "visit")]) with
        {
            Providers = [Provider("dr-a", "gp", "main", Week("09:00", "11:00", IsoDayOfWeek.Monday)), Provider("dr-b", "gp", "main", Week("09:00", "11:00", IsoDayOfWeek.Monday))],
            Patients = [new Patient("p1", null, null, [], "dr-a"), Patient("p2")],
        };

    [Fact]
    public void Finish_WithSoftRules_ComparesTheWholeBooksCost_AndPutsBackAResultThatRaisesIt()
    {
        var step = new Step(Continuity(), soft: new SoftRuleWeights(Continuity: 5));
        var book = step.BookWith("a", "09:00", "dr-a");

        var job = step.Prepare(book, "a");
        Assert.Null(step.Search.Finish(book, job, Step.With(job, "a", step.At("09:00"), "dr-b")));
        Assert.Equal("dr-a", book.Placements["a"].Provider!.ProviderId);
        Assert.Equal(0, step.Monitor.DroppedSolutions);

        var back = step.Prepare(book, "a");
        Assert.Equal(default(Score), step.Search.Finish(book, back, Step.With(back, "a", step.At("09:30"), "dr-a")));
        Assert.Equal(step.At("09:30"), book.Placements["a"].Start);

        var unweighted = new Step(Continuity());
        var same = unweighted.BookWith("a", "09:00", "dr-a");
        var swap = unweighted.Prepare(same, "a");
        Assert.Equal(default(Score), unweighted.Search.Finish(same, swap, Step.With(swap, "a", unweighted.At("09:00"), "dr-b")));
        Assert.Equal("dr-b", same.Placements["a"].Provider!.ProviderId);
    }

    [Fact]
    public void Finish_WithSoftRules_KeepsAResultThatLowersTheCost_AndCountsTheSaving()
    {
        var step = new Step(Continuity(), soft: new SoftRuleWeights(Continuity: 5));
        var book = step.BookWith("a", "09:00", "dr-b");
        var job = step.Prepare(book, "a");

        Assert.Equal(new Score(0, 0, -5, 0), step.Search.Finish(book, job, Step.With(job, "a", step.At("09:00"), "dr-a")));
        Assert.Equal("dr-a", book.Placements["a"].Provider!.ProviderId);
    }

    [Fact]
    public void Solve_AnAnchoredRequestGoesBackToItsAnchorThoughItWaitsLonger_UnlessItsProviderOrRoomIsGone()
    {
        // The anchor is on the second Monday; every start of the first waits less.
        var problem = Clinic([Request("a", "p1", "visit", priority: 2)]);
        var probe = new Step(problem);
        var anchor = probe.At("09:30", "2026-12-14");
        var home = new Dictionary<string, Anchor> { ["a"] = new("main", "dr-a", "exam-1", anchor) };
        var gone = new Dictionary<string, Anchor> { ["a"] = new("main", "dr-gone", "exam-1", anchor) };
        var roomGone = new Dictionary<string, Anchor> { ["a"] = new("main", "dr-a", "exam-gone", anchor) };

        foreach (var (anchors, back) in new[] { (home, true), (gone, false), (roomGone, false) })
        {
            var step = new Step(problem, anchors);
            var book = step.Book(("a", "10:30"));
            var job = step.Prepare(book, "a");

            var result = step.Search.Solve(job);

            Assert.Equal(CpSolverStatus.Optimal, result.Status);
            var start = result.Placements!["a"].Start;
            Assert.True(back ? start == anchor : start < step.At("00:00", "2026-12-08"), $"{anchors["a"]}: {start}");
            Assert.Equal(new Score(2, 1, 0, 0), job.Before);
        }
    }

    [Fact]
    public void Improve_AScheduleWithNothingToGain_IsOptimalAtOnce_AndFirstFitsMistakeIsRepaired()
    {
        var easy = new Step(Clinic([Request("a", "p1", "visit"), Request("b", "p2", "visit")]));
        var easyBook = FirstFitHeuristic.Place(easy.Candidates);

        var done = easy.Search.Improve(easyBook);

        Assert.Equal(ScheduleStatus.Optimal, done.Status);
        Assert.Equal(2, done.PriorityBound);

        // First fit books the urgent visit at 09:00, leaving no hour for p-early's long visit; one neighbourhood of both repairs it.
        var problem = Problem("2026-03-02", "2026-03-02",
            [Facility("clinic", "Europe/Berlin", Week("09:00", "10:30"))], [],
            [Provider("dr", "gp", "clinic", Week("09:00", "10:30"))],
            [Patient("p-any"), new Patient("p-early", Zone("Europe/Berlin"), [Week("09:00", "10:00")], [])],
            [Type("short", 30, "gp"), Type("long", 60, "gp")],
            [Request("urgent", "p-any", "short", priority: 3), Request("routine", "p-early", "long", priority: 2)]);
        var progress = new ProgressLog();
        var hard = new Step(problem, progress: progress);
        var book = FirstFitHeuristic.Place(hard.Candidates);
        Assert.Equal(["urgent"], Booked(book));

        var repaired = hard.Search.Improve(book);

        // The book as it came, and again with the capacity bound; then the repair, which books more priority (phase 1).
        Assert.Equal([(3L, 5L, 1), (3L, 5L, 1), (5L, 5L, 1)], progress.Reports.Select(r => (r.ScheduledPriority, r.UpperBound, r.Phase)));

        Assert.Equal(ScheduleStatus.Optimal, repaired.Status);
        Assert.Equal(5, repaired.PriorityBound);
        Assert.Equal(["routine", "urgent"], [.. repaired.Placements!.Keys.Order(StringComparer.Ordinal)]);
    }

    [Fact]
    public void Improve_AProofOfOptimalityBoundsThePriority_WhereTheCapacityBoundIsLoose()
    {
        // p1 can come only at 09:00 on the first Monday, so one of its two visits is booked; the capacity bound, blind to patients, allows both.
        var problem = Clinic([Request("a", "p1", "visit", "2026-12-07", "2026-12-07"), Request("b", "p1", "visit", "2026-12-07", "2026-12-07")]) with
        {
            Patients = [new Patient("p1", Zone(Paris), [Week("09:00", "09:30")], [])],
        };
        var step = new Step(problem);
        Assert.Equal(2, CapacityBound.Compute(step.Calendar, step.Candidates, TimeSpan.FromSeconds(5)));

        var result = step.Search.Improve(FirstFitHeuristic.Place(step.Candidates));

        Assert.Equal(ScheduleStatus.Optimal, result.Status);
        Assert.Equal(1, result.PriorityBound);
        Assert.Single(result.Placements!);
    }
    [Fact]
    public void PickNeighbourhood_WhenEveryMovableRequestFitsInOne_FreesThemAll_ButFixedOnesAndThoseInFlight()
    {
        var problem = Clinic([Request("f", "p1", "visit"), Request("a", "p2", "visit"), Request("b", "p3", "visit"), Request("c", "p4", "visit")]) with
        {
            Fixed = [new FixedBooking("f", "dr-a", "exam-1", At("2026-12-07T09:00:00+01:00"))],
        };
        var step = new Step(problem, size: 3);
        var book = FirstFitHeuristic.Place(step.Candidates);

        Assert.Equal(["a", "b", "c"], Ids(step.Search.PickNeighbourhood(book, [])));
        Assert.Equal(["a", "c"], Ids(step.Search.PickNeighbourhood(book, step.Set("b"))));
    }

    [Fact]
    public void PickNeighbourhood_OfOne_HoldsOneBookedRequest_OneWaiting_AndTheSeed_AtMost_NoneInFlight()
    {
        // Nine visits for four slots: five wait.
        var step = new Step(Clinic([.. Enumerable.Range(1, 9).Select(i => Request($"r{i}", $"p{i}", "visit", "2026-12-07", "2026-12-07", priority: i))]), size: 1);
        var book = FirstFitHeuristic.Place(step.Candidates);
        Assert.Equal(4, book.Placements.Count);
        var busy = step.Set("r9");

        for (var i = 0; i < 200; i++)
        {
            var pick = step.Search.PickNeighbourhood(book, busy);

            Assert.InRange(pick.Count, 1, 3);
            Assert.True(pick.Count(c => book.Placements.ContainsKey(c.Request.Id)) <= 2, string.Join(",", Ids(pick)));
            Assert.DoesNotContain(step["r9"], pick);
        }
    }

    [Theory]
    [InlineData(10, 9, 0, 1)] // more priority, whatever else
    [InlineData(9, 4, 10, 2)] // as much priority, less waiting
    [InlineData(9, 5, 11, 3)] // as much of both, more preferred providers
    [InlineData(9, 5, 10, 3)]
    public void PhaseOf_TheLevelAKeptResultImproved(long priority, long waiting, long preference, int expected) =>
        Assert.Equal(expected, NeighbourhoodSearch.PhaseOf(new Score(9, 0, 5, 10), new Score(priority, 0, waiting, preference)));

    [Fact]
    public void Improve_WithoutAProof_ReportsTheCapacityBound_BetweenWhatIsBookedAndEverything()
    {
        // Four visits may only start at 09:00 on the first Monday: one is booked. The capacity bound, blind to patients'
        // hours past the start, counts the hour from 09:00 as two; one-request neighbourhoods never prove the rest.
        var early = new[] { new Patient("p1", Zone(Paris), [Week("09:00", "09:30")], []), new Patient("p2", Zone(Paris), [Week("09:00", "09:30")], []) };
        var problem = Clinic(
            [.. new[] { ("a", "p1"), ("b", "p1"), ("c", "p2"), ("d", "p2") }.Select(r => Request(r.Item1, r.Item2, "visit", "2026-12-07", "2026-12-07"))],
            "09:00", "10:00") with { Patients = early };
        var progress = new ProgressLog();
        var step = new Step(problem, size: 1, progress: progress, seconds: 1);
        Assert.Equal(2, CapacityBound.Compute(step.Calendar, step.Candidates, TimeSpan.FromSeconds(5)));

        var result = step.Search.Improve(FirstFitHeuristic.Place(step.Candidates));

        Assert.Equal(ScheduleStatus.Feasible, result.Status);
        Assert.Equal(2, result.PriorityBound);
        Assert.False(step.Search.Proven);
        Assert.Equal([(1L, 4L, 1), (1L, 2L, 1)], progress.Reports.Take(2).Select(r => (r.ScheduledPriority, r.UpperBound, r.Phase)));
        Assert.All(progress.Reports.Skip(2), r => Assert.Equal((1L, 2L), (r.ScheduledPriority, r.UpperBound)));
    }
}
