using MedCoord.Scheduling.Model;
using NodaTime;

namespace MedCoord.Scheduling.Solving;

/// <summary>
/// The objective, written once (format rule "objective"): level 1, the total priority of booked requests (maximised);
/// level 2, waiting — each booked request's priority times the days from its first acceptable date to its local start
/// date — plus the weighted soft rules (minimised); level 3, requests booked with their preferred provider (maximised).
/// The CP-SAT model, the neighbourhood search's scores, recommendations, the schedule's figures and the analysis all
/// count with these terms.
/// </summary>
internal static class Objective
{
    /// <summary>The first acceptable date of the request, from which waiting is counted.</summary>
    public static LocalDate WaitingFrom(Problem problem, AppointmentRequest request) => request.Earliest ?? problem.Horizon.Start;

    /// <summary>The days waited by a request whose waiting counts from <paramref name="from"/> and that starts on <paramref name="date"/> (local).</summary>
    public static int WaitingDays(LocalDate from, LocalDate date) => Period.Between(from, date, PeriodUnits.Days).Days;

    /// <summary>A booked request's waiting term: its priority times the days it waits.</summary>
    public static long Waiting(AppointmentRequest request, long waitingDays) => request.Priority * waitingDays;

    /// <summary>The waiting term of a request booked to start on the local date <paramref name="date"/>.</summary>
    public static long Waiting(Problem problem, AppointmentRequest request, LocalDate date) =>
        Waiting(request, WaitingDays(WaitingFrom(problem, request), date));

    /// <summary>Whether booking the request with <paramref name="providerId"/> honours its preferred provider (level 3).</summary>
    public static bool Preferred(AppointmentRequest request, string? providerId) =>
        providerId is not null && providerId == request.PreferredProviderId;

    /// <summary>Level 1 of booked requests: the sum of their priorities.</summary>
    public static long Priority(IEnumerable<AppointmentRequest> booked) => booked.Sum(r => (long)r.Priority);
}
