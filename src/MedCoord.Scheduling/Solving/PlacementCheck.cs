using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Solving;

/// <summary>
/// The library's own check of a schedule before it is used, rule type by rule type: every placement in its request's
/// options (<see cref="OptionRule"/>), no two bookings of a patient, provider, room (with its buffer and places) or
/// equipment pool beyond what they hold (<see cref="ResourceRule"/>), every link's gap with its predecessor booked
/// (<see cref="LinkRule"/>), and every series whole and at its cadence (<see cref="SeriesRule"/>). The solvers use the
/// same rule types; the tests' verifier checks independently.
/// </summary>
internal static class PlacementCheck
{
    /// <summary>The first broken rule, as a sentence with request ids; null when the placements obey every rule.</summary>
    /// <param name="candidates">Every request's candidates, by id.</param>
    /// <param name="placements">The placements (in any candidate options with the same ids).</param>
    public static string? FirstViolation(IReadOnlyDictionary<string, RequestCandidates> candidates, IReadOnlyDictionary<string, Placement> placements)
    {
        var book = new Book();
        foreach (var (id, p) in placements.OrderBy(p => p.Value.Start).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!candidates.TryGetValue(id, out var c))
            {
                return $"request '{id}' is not in the problem";
            }

            if (OptionRule.Violation(c, p) is { } why)
            {
                return $"request '{id}' {why}";
            }

            if (!TryBook(book, c, p))
            {
                return $"request '{id}' overlaps another booking of its patient, provider, room or equipment";
            }
        }

        foreach (var (id, p) in placements)
        {
            if (LinkRule.FirstBroken(candidates[id].Request, p.Start, book.Bookings) is { } link)
            {
                return $"request '{id}' {LinkRule.Explain(link, book.Bookings)}";
            }
        }

        return SeriesRule.Violation(candidates.Values.Select(c => c.Series?.Series).OfType<RequestSeries>().Distinct(), placements);
    }

    /// <summary>Adds a placement (one of the request's options) to the book if it fits what the book holds; whether it did.</summary>
    private static bool TryBook(Book book, RequestCandidates c, Placement p)
    {
        if (!ResourceRule.Fits(book, c, p))
        {
            return false;
        }

        book.Add(c, p);
        return true;
    }

    /// <summary>
    /// The largest-by-start subset of <paramref name="placements"/> that obeys every rule: placements outside their
    /// options or overlapping earlier ones are left out, then every booking whose link no longer holds and every series
    /// not booked whole at its cadence, until nothing changes.
    /// </summary>
    public static Dictionary<string, Placement> KeepValid(IReadOnlyDictionary<string, RequestCandidates> candidates, IReadOnlyDictionary<string, Placement> placements)
    {
        var book = new Book();
        foreach (var (id, p) in placements.OrderBy(p => p.Value.Start).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            if (candidates.TryGetValue(id, out var c) && OptionRule.Violation(c, p) is null)
            {
                TryBook(book, c, p);
            }
        }

        bool changed;
        do
        {
            changed = false;
            foreach (var (id, p) in book.Placements.ToList())
            {
                var broken = LinkRule.FirstBroken(candidates[id].Request, p.Start, book.Bookings) is not null
                    || (candidates[id].Series is { } place && !SeriesRule.Stands(place.Series, book.Placements));
                if (broken)
                {
                    foreach (var gone in candidates[id].Series?.Series.RequestIds ?? [id])
                    {
                        book.Remove(gone);
                    }

                    changed = true;
                }
            }
        }
        while (changed);

        return book.Placements;
    }
}
