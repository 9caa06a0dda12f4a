using Google.OrTools.Sat;
using MedCoord.Scheduling.Solving.CpSat;

namespace MedCoord.Scheduling.Solving;

/// <summary>
/// Whether a linked request or a visit of a series could be booked together with the requests it follows and the
/// rest of its series on an otherwise empty calendar: the difference between losing to other work (CapacityTaken) and
/// never fitting its links or its series' cadence (NoAvailabilityInWindow).
/// </summary>
internal static class FitsAloneCheck
{
    /// <param name="request">A request with links or in a series.</param>
    /// <param name="all">Every request, by id.</param>
    /// <param name="timeLimit">Most time the check may take.</param>
    /// <param name="settings">The solve's settings: how CP-SAT runs and where drops are counted.</param>
    /// <returns>True when it fits, false when it provably cannot, null when the check ran out of time.</returns>
    public static bool? FitsWithPredecessors(RequestCandidates request, IReadOnlyDictionary<string, RequestCandidates> all, TimeSpan timeLimit, SolveSettings settings)
    {
        if (timeLimit <= TimeSpan.Zero || settings.Cancellation.IsCancellationRequested)
        {
            return null;
        }

        var chain = new Dictionary<string, RequestCandidates>(StringComparer.Ordinal);
        var pending = new Stack<RequestCandidates>([request]);
        while (pending.TryPop(out var next))
        {
            if (chain.TryAdd(next.Request.Id, next))
            {
                foreach (var link in next.Request.After)
                {
                    pending.Push(all[link.RequestId]);
                }

                foreach (var visit in next.Series?.Series.RequestIds ?? [])
                {
                    pending.Push(all[visit]);
                }
            }
        }

        var model = new ScheduleModel([.. chain.Values]);
        model.Model.Add(model.Requests[request.Request.Id].Scheduled == 1);
        return CpSatRunner.Solve(model.Model, settings.CpSat(timeLimit.TotalSeconds, workers: 1), CpSatCall.FitsAlone, settings.Monitor, cancellationToken: settings.Cancellation).Status switch
        {
            CpSolverStatus.Optimal or CpSolverStatus.Feasible => true,
            CpSolverStatus.Infeasible => false,
            _ => null,
        };
    }
}
