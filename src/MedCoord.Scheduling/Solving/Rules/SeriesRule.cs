using Google.OrTools.Sat;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Solving;

/// <summary>
/// Rule 10 on placements: a series' visits are booked all or none; visit <c>k</c> starts on the first visit's local date
/// plus <c>k × intervalDays</c>, within the tolerance of its local time of day, and (where asked) with one provider.
/// Local times are read in each visit's facility zone. Written once: the CP-SAT model (<see cref="AddTo"/>), series
/// placement (<see cref="WindowOf"/>, <see cref="StartsAtLocal"/>), the check of a book (<see cref="Violation"/>,
/// <see cref="Stands"/>) and of fixed visits (<see cref="WindowOf"/>) use it.
/// </summary>
internal static class SeriesRule
{
    /// <summary>Whether a series is booked whole in <paramref name="placements"/> and its visits keep its cadence and provider.</summary>
    public static bool Stands(RequestSeries series, IReadOnlyDictionary<string, Placement> placements) =>
        series.RequestIds.All(placements.ContainsKey) && Holds(series, [.. series.RequestIds.Select(id => placements[id])]);

    /// <summary>The first series booked in part or off its cadence, as a sentence; null when each is booked whole at its cadence or not at all.</summary>
    public static string? Violation(IEnumerable<RequestSeries> series, IReadOnlyDictionary<string, Placement> placements) =>
        series.FirstOrDefault(s => s.RequestIds.Any(placements.ContainsKey) && !Stands(s, placements)) is { } broken
            ? $"series '{broken.Id}' is not booked whole at its cadence"
            : null;

    /// <summary>Minutes since <see cref="Timeline.LocalEpoch"/> on the facility's wall clock at a start it allows.</summary>
    public static long LocalMinute(FacilityOption facility, long start) =>
        start + facility.Segments.First(s => s.From <= start && start < s.To).Shift;

    /// <summary>The starts (in the facility's allowed starts) whose wall-clock minute lies in [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public static MinuteSet StartsAtLocal(FacilityOption facility, long from, long to) =>
        facility.Starts.Intersect(MinuteSet.FromRanges(facility.Segments
            .Select(s => (Start: Math.Max(s.From, from - s.Shift), End: Math.Min(s.To, to - s.Shift + 1)))
            .Where(r => r.Start < r.End)));

    /// <summary>The wall-clock minutes visit <paramref name="k"/> may start at, given the first visit's wall-clock start.</summary>
    public static (long From, long To) WindowOf(RequestSeries series, long firstLocal, int k)
    {
        var (day, time) = (Math.DivRem(firstLocal, 1440L).Quotient, Math.DivRem(firstLocal, 1440L).Remainder);
        var target = (day + ((long)k * series.IntervalDays)) * 1440;
        return (target + Math.Max(0, time - series.ToleranceMinutes), target + Math.Min(1439, time + series.ToleranceMinutes));
    }

    /// <summary>Whether placed visits (in series order, every one placed) keep the series' cadence and provider.</summary>
    public static bool Holds(RequestSeries series, IReadOnlyList<Placement> visits)
    {
        var firstLocal = LocalMinute(visits[0].Facility, visits[0].Start);
        for (var k = 1; k < visits.Count; k++)
        {
            var (from, to) = WindowOf(series, firstLocal, k);
            var local = LocalMinute(visits[k].Facility, visits[k].Start);
            if (local < from || local > to)
            {
                return false;
            }
        }

        var providers = visits.Where(v => v.Provider is not null).Select(v => v.Provider!.ProviderId).Distinct(StringComparer.Ordinal).Count();
        return !series.SameProvider || providers <= 1;
    }

    /// <summary>
    /// The rule in the CP-SAT model: a series' visits are booked together or not at all; visit <c>k</c> starts on the first visit's local
    /// date plus <c>k × intervalDays</c>, within the tolerance of its local time of day; with one provider where asked.
    /// A series with a visit missing from the model (nowhere left for it) is not booked.
    /// </summary>
    public static void AddTo(ScheduleModel model)
    {
        foreach (var group in model.Requests.Values.Where(v => v.Candidates.Series is not null).GroupBy(v => v.Candidates.Series!.Series.Id, StringComparer.Ordinal))
        {
            var series = group.First().Candidates.Series!.Series;
            var visits = group.OrderBy(v => v.Candidates.Series!.Position).ToList();
            if (visits.Count < series.RequestIds.Count)
            {
                visits.ForEach(v => model.Model.Add(v.Scheduled == 0));
                continue;
            }

            var first = visits[0];
            var (firstDay, firstTime) = LocalDayAndTime(model, first);
            for (var k = 1; k < visits.Count; k++)
            {
                var v = visits[k];
                model.Model.Add(v.Scheduled == first.Scheduled);
                var (day, time) = LocalDayAndTime(model, v);
                model.Model.Add(day == firstDay + ((long)k * series.IntervalDays)).OnlyEnforceIf(first.Scheduled);
                model.Model.Add(time - firstTime <= series.ToleranceMinutes).OnlyEnforceIf(first.Scheduled);
                model.Model.Add(firstTime - time <= series.ToleranceMinutes).OnlyEnforceIf(first.Scheduled);
            }

            if (series.SameProvider)
            {
                AddSameProvider(model, visits.Where(v => v.Candidates.Type.BooksProvider).ToList());
            }
        }
    }

    /// <summary>Every visit books the provider the first of them books.</summary>
    private static void AddSameProvider(ScheduleModel model, List<RequestVars> visits)
    {
        if (visits.Count < 2)
        {
            return;
        }

        LinearExpr Uses(RequestVars v, string provider) => LinearExpr.Sum(v.Providers.Where(p => p.Option.ProviderId == provider).Select(p => (LinearExpr)p.Chosen));
        var reference = visits[0];
        foreach (var v in visits.Skip(1))
        {
            foreach (var provider in v.Providers.Select(p => p.Option.ProviderId).Distinct(StringComparer.Ordinal))
            {
                model.Model.Add(Uses(v, provider) <= Uses(reference, provider));
            }
        }
    }

    /// <summary>The request's start on its facility's wall clock, as a local day number and a minute of that day.</summary>
    private static (IntVar Day, LinearExpr Time) LocalDayAndTime(ScheduleModel model, RequestVars v)
    {
        var id = v.Candidates.Request.Id;
        var stretches = v.Facilities.SelectMany(f => f.Option.Segments.Select(s => (f.Option, f.Chosen, Segment: s))).ToList();
        var local = model.Model.NewIntVar(
            stretches.Min(x => x.Segment.From + x.Segment.Shift),
            stretches.Max(x => x.Segment.To - 1 + x.Segment.Shift),
            $"local-start[{id}]");
        if (stretches.Count == 1)
        {
            model.Model.Add(local == v.Start + stretches[0].Segment.Shift);
        }
        else
        {
            var chosen = new List<BoolVar>();
            foreach (var (_, facilityChosen, segment) in stretches)
            {
                var literal = model.Model.NewBoolVar($"local-stretch[{id},{segment.From}]");
                chosen.Add(literal);
                model.Model.AddImplication(literal, facilityChosen);
                model.Model.AddLinearConstraint(v.Start, segment.From, segment.To - 1).OnlyEnforceIf(literal);
                model.Model.Add(local == v.Start + segment.Shift).OnlyEnforceIf(literal);
            }

            model.Model.Add(LinearExpr.Sum(chosen.Select(l => (LinearExpr)l)) == v.Scheduled);
        }

        var day = model.Model.NewIntVar(stretches.Min(x => x.Segment.From + x.Segment.Shift) / 1440, stretches.Max(x => x.Segment.To - 1 + x.Segment.Shift) / 1440, $"local-day[{id}]");
        model.Model.AddDivisionEquality(day, local, 1440);
        return (day, local - (day * 1440));
    }
}
