using System.Diagnostics;
using Google.OrTools.Sat;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Solving.CpSat;
using MedCoord.Scheduling.Time;
using NodaTime;

namespace MedCoord.Scheduling.Solving;

/// <summary>
/// Improves a complete schedule neighbourhood by neighbourhood: a few dozen requests around one facility, a few days
/// and the providers and rooms one request could use are freed, everything else stays where it is, and a small CP-SAT
/// model re-places the freed requests. As many neighbourhoods as there are workers are solved at once, one worker
/// each, on disjoint sets of freed requests. A neighbourhood's result is kept when it is at least as good in the order
/// of the objective levels (priority, then waiting, then preferred providers) and, if another result was kept while it
/// was solved, still fits the book; so the schedule never gets worse and never breaks a rule.
/// This is what makes problems whose whole model would be too large to build or search tractable.
/// </summary>
internal sealed class NeighbourhoodSearch
{
    /// <summary>Most requests freed at the start; adapted after each sub-solve.</summary>
    private const int InitialSize = 60;

    private const int MinimumSize = 15;

    private const int MaximumSize = 400;

    /// <summary>Most time one neighbourhood may take.</summary>
    private static readonly TimeSpan SubSolveLimit = TimeSpan.FromSeconds(0.25);

    /// <summary>How often a neighbourhood is built around a waiting request, while any waits: they are what the search is for.</summary>
    internal const double WaitingSeedShare = 0.7;

    private readonly IReadOnlyList<RequestCandidates> _all;
    private readonly List<RequestCandidates> _movable;
    private readonly Dictionary<string, RequestCandidates> _byId;
    private readonly Dictionary<string, List<RequestCandidates>> _successors = new(StringComparer.Ordinal);
    private readonly SolveSettings _settings;
    private readonly IProgress<SolveProgress>? _progress;
    private readonly CancellationToken _cancellation;
    private readonly Stopwatch _clock;
    private readonly Random _random;
    private readonly long _maxPriority;
    private readonly Calendar _calendar;
    private readonly Score _ideal;
    private readonly IReadOnlyDictionary<string, Anchor> _anchors;
    private readonly SoftRules? _soft;
    private long _bound;
    private int _size;

    /// <summary>Set when a neighbourhood holding every movable request was solved to optimality: the whole schedule is optimal.</summary>
    private bool _proven;

    /// <summary>Gets whether a kept result has proven the whole schedule optimal.</summary>
    internal bool Proven => _proven;

    /// <summary>Gets the best score any schedule could have: every priority booked, no anchor moved, each request at its least waiting, every preferred provider that could host it.</summary>
    internal Score Ideal => _ideal;

    /// <summary>How many results have been kept: a result cut from an earlier version is checked against the book before it is kept.</summary>
    private int _version;

    /// <param name="calendar">The problem's calendar.</param>
    /// <param name="candidates">Every request's candidates.</param>
    /// <param name="settings">Settings of the solve.</param>
    /// <param name="progress">Receives improvements.</param>
    /// <param name="cancellation">Stops the search.</param>
    /// <param name="clock">Time since the solve began.</param>
    /// <param name="anchors">
    /// Where requests were booked before a re-plan: after priority, the search keeps as many of them there as it can
    /// (a level between priority and waiting), so one moves only when that books more priority.
    /// </param>
    public NeighbourhoodSearch(Calendar calendar, IReadOnlyList<RequestCandidates> candidates, SolveSettings settings, IProgress<SolveProgress>? progress,
        CancellationToken cancellation, Stopwatch clock, IReadOnlyDictionary<string, Anchor>? anchors = null)
    {
        _anchors = anchors ?? new Dictionary<string, Anchor>();
        _all = [.. candidates.Where(c => c.CanBeScheduled)];
        _movable = [.. _all.Where(c => c.Fixed is null)];
        _byId = _all.ToDictionary(c => c.Request.Id, StringComparer.Ordinal);
        foreach (var c in _all)
        {
            foreach (var link in c.Request.After)
            {
                (_successors.TryGetValue(link.RequestId, out var list) ? list : _successors[link.RequestId] = []).Add(c);
            }
        }

        _calendar = calendar;
        _settings = settings;
        _soft = SoftRules.From(calendar, settings.SoftRules);
        _progress = progress;
        _cancellation = cancellation;
        _clock = clock;
        _random = new Random(settings.Seed);
        _size = settings.NeighbourhoodSize ?? InitialSize;
        _maxPriority = _all.Sum(c => (long)c.Request.Priority);
        _bound = _maxPriority;
        _ideal = new Score(
            _maxPriority,
            0,
            _all.Sum(c => Objective.Waiting(c.Request, c.Facilities.SelectMany(f => f.Days).Min(d => d.WaitingDays))),
            _all.Count(c => c.Facilities.Any(f => f.Providers.Any(o => Objective.Preferred(c.Request, o.ProviderId)))));
    }

    /// <summary>Improves <paramref name="book"/> in place until the time share runs out, the search is cancelled, or nothing can be better.</summary>
    public PhasedResult Improve(Book book)
    {
        var score = ScoreOf(_all, book.Placements);
        score = score with { Waiting = score.Waiting + SoftCost(book) };
        Report(score, 1);
        var deadline = _settings.TimeLimit.TotalSeconds * PhasedSolver.SearchShare;
        if (score.Priority < _maxPriority
            && CapacityBound.Compute(_calendar, _all, TimeSpan.FromSeconds(Math.Min(CapacityBound.TimeShare * deadline, deadline - _clock.Elapsed.TotalSeconds))) is { } bound)
        {
            _bound = Math.Max(score.Priority, Math.Min(_bound, bound));
            Report(score, 1);
        }

        // Neighbourhoods are solved in parallel lanes, one CP-SAT worker each; the book is read and changed only here,
        // and a result is kept only if it still fits the book as others' results have left it.
        var lanes = Math.Max(1, _settings.Workers);
        var running = new List<(Job Job, Task<SubResult> Solve)>();
        bool Searching() => !_cancellation.IsCancellationRequested && score.CompareTo(_ideal) < 0 && !_proven && _clock.Elapsed.TotalSeconds < deadline;
        while (_movable.Count > 0 && (running.Count > 0 || Searching()))
        {
            while (running.Count < lanes && Searching()
                && Prepare(book, PickNeighbourhood(book, running.SelectMany(r => r.Job.Free)), deadline, lanes) is { } job)
            {
                running.Add((job, Task.Run(() => Solve(job))));
            }

            if (running.Count == 0)
            {
                // Every movable request is in flight or nothing could be prepared: try again with a new pick.
                continue;
            }

            var done = Task.WaitAny([.. running.Select(r => (Task)r.Solve)]);
            var (finished, task) = running[done];
            running.RemoveAt(done);
            if (Finish(book, finished, task.GetAwaiter().GetResult()) is { } gain && gain != default)
            {
                var previous = score;
                score = score.Plus(gain);
                Report(score, PhaseOf(previous, score));
            }
        }

        var status = score.CompareTo(_ideal) == 0 || _proven ? ScheduleStatus.Optimal : ScheduleStatus.Feasible;
        return new PhasedResult(status, book.Placements, _proven ? score.Priority : Math.Max(score.Priority, _bound));
    }

    private void Report(Score score, int phase) =>
        _progress?.Report(new SolveProgress(Duration.FromTimeSpan(_clock.Elapsed), score.Priority, Math.Max(score.Priority, _bound), phase));

    /// <summary>
    /// A request (<see cref="PickSeed"/>), an area around it (<see cref="PickArea"/>), up to the neighbourhood size of
    /// the requests booked in that area, and the highest-priority waiting requests it admits (<see cref="WaitingCount"/>).
    /// </summary>
    /// <param name="book">The schedule.</param>
    /// <param name="inFlight">Requests freed by neighbourhoods being solved: left out of this one.</param>
    internal HashSet<RequestCandidates> PickNeighbourhood(Book book, IEnumerable<RequestCandidates> inFlight)
    {
        var busy = inFlight.ToHashSet();
        var movable = _movable.Where(c => !busy.Contains(c)).ToList();
        if (movable.Count <= _size)
        {
            return Closed(book, [.. movable], busy);
        }

        var unbooked = movable.Where(c => !book.Placements.ContainsKey(c.Request.Id)).ToList();
        var seed = PickSeed(movable, unbooked);
        var area = PickArea(book, seed);
        var booked = movable
            .Where(c => book.Placements.TryGetValue(c.Request.Id, out var p) && area.Holds(p))
            .OrderBy(_ => _random.Next())
            .Take(_size);
        var waiting = unbooked
            .Where(area.Admits)
            .OrderByDescending(c => c.Request.Priority).ThenBy(_ => _random.Next())
            .Take(WaitingCount(_size));
        return Closed(book, [.. booked, .. waiting, seed], busy);
    }

    /// <summary>
    /// The request a neighbourhood is built around: while any request waits, a waiting one with probability
    /// <see cref="WaitingSeedShare"/>; otherwise any movable one.
    /// </summary>
    /// <param name="movable">The movable requests not in flight.</param>
    /// <param name="unbooked">Those of them not booked.</param>
    internal RequestCandidates PickSeed(List<RequestCandidates> movable, List<RequestCandidates> unbooked) =>
        unbooked.Count > 0 && Chance(WaitingSeedShare) ? unbooked[_random.Next(unbooked.Count)] : movable[_random.Next(movable.Count)];

    /// <summary>
    /// Where a neighbourhood around <paramref name="seed"/> looks: where the seed is booked half the time (when it is),
    /// otherwise one of its facilities at random; from one of that facility's days, reaching zero to two days on.
    /// </summary>
    internal NeighbourhoodArea PickArea(Book book, RequestCandidates seed)
    {
        var facility = book.Placements.TryGetValue(seed.Request.Id, out var placed) && Chance(0.5)
            ? placed.Facility
            : seed.Facilities[_random.Next(seed.Facilities.Count)];
        return NeighbourhoodArea.Of(facility, facility.Days[_random.Next(facility.Days.Count)], _random.Next(3));
    }

    /// <summary>How many waiting requests join a neighbourhood of <paramref name="size"/> booked ones: a third as many, but at least 15 (or the size, when smaller).</summary>
    internal static int WaitingCount(int size) => Math.Max(Math.Min(MinimumSize, size), size / 3);

    private bool Chance(double probability) => _random.NextDouble() < probability;

    /// <summary>
    /// The neighbourhood made whole: a freed visit frees its series; a freed request whose booked successor stays put
    /// stays put too, and so does a series any of whose visits stays put (or is in <paramref name="busy"/>).
    /// </summary>
    internal HashSet<RequestCandidates> Closed(Book book, HashSet<RequestCandidates> free, HashSet<RequestCandidates> busy)
    {
        free.UnionWith(free.Where(c => c.Series is not null).SelectMany(c => c.Series!.Series.RequestIds).Select(id => _byId.GetValueOrDefault(id))
            .OfType<RequestCandidates>().Where(c => c.Fixed is null && !busy.Contains(c)).ToList());

        // A freed request whose booked successor stays put must keep its place: keep it put too, and with it the rest
        // of its series, until nothing changes.
        bool changed;
        do
        {
            changed = free.RemoveWhere(c => _successors.TryGetValue(c.Request.Id, out var next)
                && next.Any(s => !free.Contains(s) && book.Placements.ContainsKey(s.Request.Id))) > 0;
            changed |= free.RemoveWhere(c => c.Series is { } place
                && place.Series.RequestIds.Any(id => _byId.TryGetValue(id, out var visit) && !free.Contains(visit))) > 0;
        }
        while (changed);

        return free;
    }

    /// <summary>
    /// The sub-problem of re-placing the freed requests against everything else in the book, ready to solve; null when
    /// nothing in it could be placed or no time is left.
    /// </summary>
    internal Job? Prepare(Book book, HashSet<RequestCandidates> free, double deadline, int lanes)
    {
        var seconds = Math.Min(SubSolveLimit.TotalSeconds, deadline - _clock.Elapsed.TotalSeconds);
        var freeIds = free.Select(c => c.Request.Id).ToHashSet(StringComparer.Ordinal);
        var restricted = new List<RequestCandidates>();
        foreach (var c in free)
        {
            if (book.Restrict(c, freeIds) is { } r)
            {
                restricted.Add(r);
            }
            else if (book.Placements.ContainsKey(c.Request.Id))
            {
                // A booked request always fits where it is; if it does not, leave this neighbourhood alone.
                return null;
            }
        }

        if (restricted.Count == 0 || seconds <= 0)
        {
            return null;
        }

        DropFollowersOfMissing(restricted);
        var model = new ScheduleModel(restricted, around: book, ignoring: freeIds, soft: _soft);
        var hint = restricted
            .Where(r => book.Placements.ContainsKey(r.Request.Id))
            .ToDictionary(r => r.Request.Id, r => Translate(book.Placements[r.Request.Id], r), StringComparer.Ordinal);
        Solution.FromPlacements(model, hint).AddAsHint(model);

        var maxPreference = restricted.Count(r => r.Request.PreferredProviderId is not null);
        // Level 2 varies by at most the waiting of every request at its latest day plus each soft rule's weight per
        // request (balance: two per request, which can move both the busiest and the least busy load).
        var maxWaiting = restricted.Sum(r => Objective.Waiting(r.Request, r.Facilities.SelectMany(f => f.Days).Max(d => d.WaitingDays)))
            + (_soft is null ? 0 : restricted.Count * (long)(_soft.Weights.Continuity + _soft.Weights.DailyCap + (2 * _soft.Weights.Balance)));
        var kept = KeptAtAnchors(model);
        var (priorityWeight, keptWeight, waitingWeight) = LevelWeights(kept.Count, maxWaiting, maxPreference);
        model.Model.Maximize((model.PriorityObjective * priorityWeight) + (LinearExpr.Sum(kept) * keptWeight)
            - (model.CostObjective * waitingWeight) + model.PreferenceObjective);

        var limits = _settings.CpSat(seconds, workers: lanes > 1 ? 1 : _settings.Workers, seed: _random.Next(1 << 20));
        return new Job(free, restricted, model, hint, ScoreOf(restricted, hint), limits, _version);
    }

    /// <summary>Solves a prepared sub-problem. Touches nothing but the job's own model, so lanes may run it at once.</summary>
    internal SubResult Solve(Job job)
    {
        var answer = CpSatRunner.Solve(job.Model.Model, job.Limits, CpSatCall.Neighbourhood, _settings.Monitor, cancellationToken: _cancellation);
        return new SubResult(answer.Status, answer.HasSolution ? job.Model.ToPlacements(new Solution(job.Model, v => answer[v])) : null);
    }

    /// <summary>
    /// Keeps a solved neighbourhood's result when it is at least as good and still fits the book. Returns the change in
    /// score when the result is kept (applied to the book), or null when it is not.
    /// </summary>
    internal Score? Finish(Book book, Job job, SubResult result)
    {
        var stale = job.Version != _version;
        _size = _settings.NeighbourhoodSize ?? NextSize(_size, result.Status == CpSolverStatus.Optimal);
        if (result.Placements is not { } placements)
        {
            return null;
        }

        // The sub-solve's placements must be among the freed requests' options and keep their series whole; whether
        // they fit the rest of the book and keep every link is checked as they are applied.
        var restricted = job.Restricted.ToDictionary(r => r.Request.Id, StringComparer.Ordinal);
        var why = placements.Select(p => restricted.TryGetValue(p.Key, out var r) ? OptionRule.Violation(r, p.Value) : "is not freed").FirstOrDefault(v => v is not null)
            ?? SeriesRule.Violation(job.Restricted.Select(r => r.Series?.Series).OfType<Model.RequestSeries>().Distinct(), placements);
        if (why is not null)
        {
            _settings.Monitor.PlacementsDropped("a neighbourhood", why);
            return null;
        }

        var (before, after) = (job.Before, ScoreOf(job.Restricted, placements));
        if (_soft is null && after.CompareTo(before) < 0)
        {
            return null;
        }

        // Soft rules count across the whole book (days, loads): compare the whole book's cost before and after.
        var softBefore = SoftCost(book);
        if (!Apply(book, job.Restricted, placements))
        {
            // Another lane's result, kept since this sub-problem was cut, took something it counted on; or, where
            // nothing changed since it was cut, the sub-solve's answer itself breaks a rule.
            if (!stale)
            {
                _settings.Monitor.PlacementsDropped("a neighbourhood", "a placement overlaps the book or breaks a link");
            }

            Apply(book, job.Restricted, job.Hint, check: false);
            return null;
        }

        if (_soft is not null)
        {
            var softAfter = SoftCost(book);
            (before, after) = (before with { Waiting = before.Waiting + softBefore }, after with { Waiting = after.Waiting + softAfter });
            if (after.CompareTo(before) < 0)
            {
                Apply(book, job.Restricted, job.Hint, check: false);
                return null;
            }
        }

        // A neighbourhood holding every movable request, solved to optimality from the book as it stands, proves the
        // schedule optimal: only once its result has passed every check and been kept.
        _proven |= result.Status == CpSolverStatus.Optimal && job.Free.Count == _movable.Count && !stale;
        _version++;
        return after.Minus(before);
    }

    /// <summary>
    /// Drops each request that follows a freed request missing from <paramref name="restricted"/> (one with no place
    /// left, so never booked), and the requests that follow those, until every link of what remains is to a request in
    /// it. Every link of a restricted request is to a freed one: <see cref="Book.Restrict"/> has held the request to its
    /// predecessors that stay booked and removed those links.
    /// </summary>
    /// <param name="restricted">The freed requests that still have a place, cut to it by <see cref="Book.Restrict"/>.</param>
    internal static void DropFollowersOfMissing(List<RequestCandidates> restricted)
    {
        int dropped;
        do
        {
            var left = restricted.Select(r => r.Request.Id).ToHashSet(StringComparer.Ordinal);
            dropped = restricted.RemoveAll(r => r.Request.After.Any(l => !left.Contains(l.RequestId)));
        }
        while (dropped > 0);
    }

    /// <summary>The objective level a kept result improved, as progress reports number them: 1 priority, 2 waiting (and soft costs), 3 the rest.</summary>
    internal static int PhaseOf(Score previous, Score next) => next.Priority > previous.Priority ? 1 : next.Waiting < previous.Waiting ? 2 : 3;

    /// <summary>
    /// The weights that make one objective of a sub-problem hold its levels in order: one unit of booked priority
    /// outweighs every anchor kept, one anchor kept outweighs the whole range of waiting (and soft costs), and one unit
    /// of waiting outweighs every preferred provider.
    /// </summary>
    /// <param name="anchors">How many anchored requests the sub-problem holds.</param>
    /// <param name="maxWaiting">The most waiting (and soft cost) the sub-problem's level 2 can vary by.</param>
    /// <param name="maxPreference">How many of its requests prefer a provider.</param>
    internal static (long Priority, long Kept, long Waiting) LevelWeights(int anchors, long maxWaiting, long maxPreference)
    {
        var waiting = maxPreference + 1;
        var kept = (maxWaiting * waiting) + maxPreference + 1;
        return ((anchors * kept) + kept, kept, waiting);
    }

    /// <summary>The next neighbourhood size: a fifth larger (and one more) after a sub-solve proved optimal, a fifth smaller otherwise, within 15 to 400.</summary>
    /// <param name="size">The size now.</param>
    /// <param name="optimal">Whether the last sub-solve proved its result optimal.</param>
    internal static int NextSize(int size, bool optimal) =>
        optimal ? Math.Min(MaximumSize, (size * 6 / 5) + 1) : Math.Max(MinimumSize, size * 4 / 5);

    /// <summary>Whether every link to or from the requests holds in the book: a booked request's predecessors are booked, with the gaps kept.</summary>
    private bool LinksHold(Book book, List<RequestCandidates> requests)
    {
        foreach (var r in requests)
        {
            var id = r.Request.Id;
            foreach (var following in (_successors.GetValueOrDefault(id) ?? []).Select(s => s.Request).Prepend(_byId[id].Request))
            {
                if (book.Bookings.TryGetValue(following.Id, out var then) && LinkRule.FirstBroken(following, then.Start, book.Bookings) is not null)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Replaces the bookings of <paramref name="requests"/> in the book by <paramref name="placements"/> (in their
    /// options). With <paramref name="check"/>, stops at the first placement that does not fit the book, or when a
    /// link to or from the requests does not hold, and returns false (the book is then half changed: the caller puts
    /// the old placements back, without the check).
    /// </summary>
    private bool Apply(Book book, List<RequestCandidates> requests, IReadOnlyDictionary<string, Placement> placements, bool check = true)
    {
        foreach (var r in requests)
        {
            book.Remove(r.Request.Id);
        }

        foreach (var (id, p) in placements)
        {
            var original = _byId[id];
            var placement = Translate(p, original);
            if (check && !ResourceRule.Fits(book, original, placement))
            {
                return false;
            }

            book.Add(original, placement);
        }

        return !check || LinksHold(book, requests);
    }

    private long SoftCost(Book book) => _soft?.Costs(book.Placements).Total ?? 0;

    /// <summary>For each anchored request in the model that can still take its anchor, a literal true only when it is booked exactly there.</summary>
    private List<BoolVar> KeptAtAnchors(ScheduleModel model)
    {
        var kept = new List<BoolVar>();
        foreach (var (id, v) in model.Requests)
        {
            if (!_anchors.TryGetValue(id, out var anchor))
            {
                continue;
            }

            // An anchor the request can no longer take (its facility, provider or room gone from its options) is moved anyway.
            var facility = v.Facilities.FirstOrDefault(f => f.Option.FacilityId == anchor.FacilityId);
            var provider = v.Providers.FirstOrDefault(p => p.Option.ProviderId == anchor.ProviderId && ReferenceEquals(p.Facility, facility.Option));
            var room = v.Rooms.FirstOrDefault(r => r.Option.RoomId == anchor.RoomId && ReferenceEquals(r.Facility, facility.Option));
            if (facility.Chosen is null || (anchor.ProviderId is not null && provider.Chosen is null) || (anchor.RoomId is not null && room.Chosen is null))
            {
                continue;
            }

            var at = model.Model.NewBoolVar($"at-anchor[{id}]");
            kept.Add(at);

            model.Model.AddImplication(at, facility.Chosen);
            model.Model.Add(v.Start == anchor.Start).OnlyEnforceIf(at);
            if (provider.Chosen is not null)
            {
                model.Model.AddImplication(at, provider.Chosen);
            }

            if (room.Chosen is not null)
            {
                model.Model.AddImplication(at, room.Chosen);
            }
        }

        return kept;
    }

    /// <summary>The score of <paramref name="requests"/> as placed (those missing from <paramref name="placements"/> are unbooked).</summary>
    internal Score ScoreOf(IEnumerable<RequestCandidates> requests, IReadOnlyDictionary<string, Placement> placements)
    {
        var (priority, moved, waiting, preference) = (0L, 0L, 0L, 0L);
        foreach (var c in requests)
        {
            var id = c.Request.Id;
            var booked = placements.TryGetValue(id, out var p);
            if (_anchors.TryGetValue(id, out var anchor) && !(booked && anchor.IsAt(p!)))
            {
                moved++;
            }

            if (!booked)
            {
                continue;
            }

            priority += c.Request.Priority;
            waiting += Objective.Waiting(c.Request, p!.Facility.Days.First(d => d.From <= p.Start && p.Start < d.To).WaitingDays);
            preference += Objective.Preferred(c.Request, p.Provider?.ProviderId) ? 1 : 0;
        }

        return new Score(priority, moved, waiting, preference);
    }

    /// <summary>The same placement expressed in another candidate list's options (matched by id).</summary>
    private static Placement Translate(Placement p, RequestCandidates to)
    {
        var facility = to.Facilities.Single(f => f.FacilityId == p.Facility.FacilityId);
        return new Placement(
            facility,
            p.Provider is null ? null : facility.Providers.Single(o => o.ProviderId == p.Provider.ProviderId),
            p.Room is null ? null : facility.Rooms.Single(o => o.RoomId == p.Room.RoomId),
            p.Start);
    }

    /// <summary>
    /// A schedule's value, compared level by level: more priority, then fewer anchored requests moved or dropped,
    /// then less waiting, then more preferred providers.
    /// </summary>
    internal readonly record struct Score(long Priority, long Moved, long Waiting, long Preference) : IComparable<Score>
    {
        public Score Plus(Score o) => new(Priority + o.Priority, Moved + o.Moved, Waiting + o.Waiting, Preference + o.Preference);

        public Score Minus(Score o) => new(Priority - o.Priority, Moved - o.Moved, Waiting - o.Waiting, Preference - o.Preference);

        public int CompareTo(Score other) =>
            Priority != other.Priority ? Priority.CompareTo(other.Priority)
            : Moved != other.Moved ? other.Moved.CompareTo(Moved)
            : Waiting != other.Waiting ? other.Waiting.CompareTo(Waiting)
            : Preference.CompareTo(other.Preference);
    }
}

/// <summary>A neighbourhood's sub-problem, cut from the book as it stood at <paramref name="Version"/>.</summary>
/// <param name="Free">The requests freed.</param>
/// <param name="Restricted">Those of them modelled, cut to what the rest of the book leaves free.</param>
/// <param name="Model">Their model, with its objective and the book's placements as hint.</param>
/// <param name="Hint">Where they are booked now (in their restricted options).</param>
/// <param name="Before">Their score as booked now.</param>
/// <param name="Limits">The CP-SAT limits of the sub-solve.</param>
/// <param name="Version">The book's version when the sub-problem was cut.</param>
internal sealed record Job(HashSet<RequestCandidates> Free, List<RequestCandidates> Restricted, ScheduleModel Model, Dictionary<string, Placement> Hint,
    NeighbourhoodSearch.Score Before, CpSatLimits Limits, int Version);

/// <summary>How a sub-solve ended, and its placements when it found any.</summary>
internal sealed record SubResult(CpSolverStatus Status, Dictionary<string, Placement>? Placements);

/// <summary>Where a request was booked before a re-plan.</summary>
internal sealed record Anchor(string FacilityId, string? ProviderId, string? RoomId, long Start)
{
    public bool IsAt(Placement p) =>
        p.Start == Start && p.Facility.FacilityId == FacilityId && p.Provider?.ProviderId == ProviderId && p.Room?.RoomId == RoomId;
}
