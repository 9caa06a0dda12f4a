using System.Diagnostics;
using Google.OrTools.Sat;
using MedCoord.Scheduling.Solving.CpSat;

namespace MedCoord.Scheduling.Solving;

/// <summary>
/// When fixed bookings and their links leave no schedule, a small set of fixed bookings that already conflict:
/// CP-SAT solves with one assumption per fixed booking and returns assumptions sufficient for infeasibility, which
/// are then shrunk one at a time while the rest stays infeasible.
/// </summary>
internal static class FixedConflict
{
    /// <returns>The fixed requests of a conflicting set, by id; empty when none was found within the time.</returns>
    /// <param name="candidates">Every request's candidates.</param>
    /// <param name="timeLimit">Most time the search may take.</param>
    /// <param name="settings">The solve's settings: how CP-SAT runs and where drops are counted.</param>
    public static IReadOnlyList<string> Find(IReadOnlyList<RequestCandidates> candidates, TimeSpan timeLimit, SolveSettings settings)
    {
        // A fixed request that follows a request nothing can host conflicts on its own.
        var alone = candidates.Where(c => c.Fixed is not null && !c.CanBeScheduled).Select(c => c.Request.Id).Order(StringComparer.Ordinal).ToList();
        if (alone.Count > 0)
        {
            return alone;
        }

        var clock = Stopwatch.StartNew();
        var model = new ScheduleModel([.. candidates.Where(c => c.CanBeScheduled)], fixedByAssumption: true);
        var byIndex = model.FixedLiterals.ToDictionary(f => f.Value.GetIndex(), f => f.Key);
        if (Core(model, [.. model.FixedLiterals.Keys]) is not { } core)
        {
            return [];
        }

        return [.. Shrink(core, assumed => Core(model, assumed)).Order(StringComparer.Ordinal)];

        List<string>? Core(ScheduleModel m, List<string> assumed)
        {
            var seconds = (timeLimit - clock.Elapsed).TotalSeconds;
            if (seconds <= 0)
            {
                return null;
            }

            m.Model.ClearAssumptions();
            m.Model.AddAssumptions(assumed.Select(id => (ILiteral)m.FixedLiterals[id]));
            var answer = CpSatRunner.Solve(m.Model, settings.CpSat(seconds, workers: 1), CpSatCall.FixedConflict, settings.Monitor, cancellationToken: settings.Cancellation);
            return answer.Status == CpSolverStatus.Infeasible
                ? [.. answer.Solver.SufficientAssumptionsForInfeasibility().Where(byIndex.ContainsKey).Select(i => byIndex[i]).Distinct()]
                : null;
        }
    }

    /// <summary>
    /// Deletion filtering: each member of <paramref name="core"/> in turn is left out, and where the rest still has no
    /// schedule, the (possibly smaller) set that proves it becomes the core. A member already gone is not tried again,
    /// and a single member is never left out.
    /// </summary>
    /// <param name="core">An infeasible set of fixed requests.</param>
    /// <param name="infeasibleCore">For a set of fixed requests: a subset that has no schedule, or null when none was proven.</param>
    /// <returns>The shrunk core.</returns>
    internal static List<string> Shrink(List<string> core, Func<List<string>, List<string>?> infeasibleCore)
    {
        foreach (var id in core.ToList())
        {
            if (core.Count > 1 && core.Contains(id) && infeasibleCore([.. core.Where(c => c != id)]) is { } smaller)
            {
                core = smaller;
            }
        }

        return core;
    }
}
