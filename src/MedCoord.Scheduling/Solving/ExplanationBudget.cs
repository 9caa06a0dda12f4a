namespace MedCoord.Scheduling.Solving;

/// <summary>
/// The time after the search: until when explanations may run, how long the search for conflicting fixed bookings
/// may take, and how the rest is shared. The checks on an empty calendar (does a linked request or a series fit
/// alone?) run first and stop early enough to leave time for naming what blocked each unbooked request.
/// </summary>
internal static class ExplanationBudget
{
    /// <summary>Once a solve is cancelled, the most time explanations and the conflict search may still take.</summary>
    private static readonly TimeSpan AfterCancellation = TimeSpan.FromSeconds(0.5);

    /// <summary>Least time given to finding conflicting fixed bookings when there is no schedule (the time limit allows 0.5 s past it).</summary>
    private static readonly TimeSpan MinimumConflictSearchTime = TimeSpan.FromSeconds(0.3);

    /// <summary>Least time spent proving that linked requests cannot fit, even when the search used all of its share.</summary>
    private static readonly TimeSpan MinimumCheckTime = TimeSpan.FromSeconds(0.5);

    /// <summary>About how long naming the blockers of one unbooked request takes (measured at 10,000 requests: 0.16 ms, 0.6 ms with shared rooms and pools), with a margin.</summary>
    private static readonly TimeSpan BlockerTimePerRequest = TimeSpan.FromMilliseconds(0.8);

    /// <summary>Most time kept back for naming blockers and the soft-rule costs (0.5 s of it for what follows the checks).</summary>
    private static readonly TimeSpan MostReserved = TimeSpan.FromSeconds(3);

    /// <summary>Longest single check on an empty calendar.</summary>
    private static readonly TimeSpan LongestCheck = TimeSpan.FromSeconds(2);

    /// <summary>Less time than this left is not worth starting a check.</summary>
    private static readonly TimeSpan ShortestCheck = TimeSpan.FromSeconds(0.25);

    /// <summary>Kept back from each check's limit: building and presolving its model run past the limit.</summary>
    private static readonly TimeSpan CheckOverrun = TimeSpan.FromSeconds(0.1);

    /// <summary>Until when (since the solve began) what follows the search may run: the time limit, or 0.5 s from now once the solve is cancelled.</summary>
    /// <param name="cancelled">Whether the solve was cancelled.</param>
    /// <param name="timeLimit">The solve's time limit.</param>
    /// <param name="now">Time since the solve began.</param>
    public static TimeSpan ExplainUntil(bool cancelled, TimeSpan timeLimit, TimeSpan now) => cancelled ? now + AfterCancellation : timeLimit;

    /// <summary>How long the search for conflicting fixed bookings may take: what is left before <paramref name="until"/>, but at least 0.3 s.</summary>
    /// <param name="until">Until when explanations may run, since the solve began.</param>
    /// <param name="now">Time since the solve began.</param>
    public static TimeSpan ConflictSearchTime(TimeSpan until, TimeSpan now)
    {
        var left = until - now;
        return left > MinimumConflictSearchTime ? left : MinimumConflictSearchTime;
    }

    /// <summary>The time kept back after the checks: 0.5 s and <see cref="BlockerTimePerRequest"/> per unbooked request, at most 3 s.</summary>
    /// <param name="unbooked">How many requests the search left unbooked.</param>
    public static TimeSpan Reserve(int unbooked) =>
        TimeSpan.FromMilliseconds(Math.Min(MostReserved.TotalMilliseconds, 500 + (unbooked * BlockerTimePerRequest.TotalMilliseconds)));

    /// <summary>
    /// When (since the solve began) the checks must stop: the reserve before <paramref name="explainUntil"/>; but a small
    /// problem (a reserve of at most 1 s) gets at least 0.5 s of checks even when the search used all of its share.
    /// </summary>
    /// <param name="explainUntil">How long after the solve began explanations may run.</param>
    /// <param name="unbooked">How many requests the search left unbooked.</param>
    /// <param name="now">Time since the solve began.</param>
    public static TimeSpan ChecksDeadline(TimeSpan explainUntil, int unbooked, TimeSpan now)
    {
        var reserve = Reserve(unbooked);
        var checksUntil = explainUntil - reserve;
        var minimum = reserve <= MinimumCheckTime * 2 ? MinimumCheckTime : TimeSpan.Zero;
        return checksUntil > now + minimum ? checksUntil : now + minimum;
    }

    /// <summary>
    /// The time one check may take: at most 2 s, 0.1 s less than what is left before <paramref name="deadline"/>, and
    /// none when less than 0.25 s is left.
    /// </summary>
    /// <param name="deadline">When the checks must stop, since the solve began.</param>
    /// <param name="now">Time since the solve began.</param>
    public static TimeSpan CheckLimit(TimeSpan deadline, TimeSpan now)
    {
        var left = deadline - now;
        return left < ShortestCheck ? TimeSpan.Zero : Min(LongestCheck, left - CheckOverrun);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
