using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;
using MedCoord.Scheduling.Validation;

namespace MedCoord.Scheduling.Operations;

/// <summary>
/// Checks a book (a schedule a host application holds) against its problem and loads it as bookings. Every
/// appointment must name a known request once, with that request's patient, known resources of the kinds its type
/// books, a known facility, and the request's duration.
/// </summary>
internal static class BookReader
{
    public static IReadOnlyList<ValidationError> Validate(Calendar calendar, Schedule book)
    {
        var errors = new List<ValidationError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < book.Assignments.Count; i++)
        {
            var a = book.Assignments[i];
            var path = $"assignments[{i}]";
            if (a is null)
            {
                errors.Add(new(path, "must not be null"));
                continue;
            }

            if (!calendar.Requests.TryGetValue(a.RequestId, out var request))
            {
                errors.Add(new($"{path}.request", $"unknown request '{a.RequestId}'"));
                continue;
            }

            if (!seen.Add(a.RequestId))
            {
                errors.Add(new($"{path}.request", $"request '{a.RequestId}' is booked more than once"));
            }

            var type = calendar.TypeOf(request);
            if (a.PatientId != request.PatientId)
            {
                errors.Add(new($"{path}.patient", $"request '{a.RequestId}' is for patient '{request.PatientId}', not '{a.PatientId}'"));
            }

            CheckResource(errors, $"{path}.provider", "provider", a.ProviderId, type.BooksProvider, calendar.Providers.ContainsKey);
            CheckResource(errors, $"{path}.room", "room", a.RoomId, type.BooksRoom, calendar.Rooms.ContainsKey);
            if (!calendar.Facilities.ContainsKey(a.FacilityId))
            {
                errors.Add(new($"{path}.facility", $"unknown facility '{a.FacilityId}'"));
            }

            var minutes = (a.End.ToInstant() - a.Start.ToInstant()).TotalMinutes;
            if (minutes != calendar.DurationOf(request))
            {
                errors.Add(new($"{path}.end", $"the appointment lasts {minutes} minutes but request '{a.RequestId}' takes {calendar.DurationOf(request)}"));
            }
        }

        for (var i = 0; i < book.Unscheduled.Count; i++)
        {
            var u = book.Unscheduled[i];
            if (u is not null && seen.Contains(u.RequestId))
            {
                errors.Add(new($"unscheduled[{i}].request", $"request '{u.RequestId}' is also booked"));
            }
        }

        return errors;
    }

    /// <summary>The book's appointments as bookings (the book must be valid).</summary>
    public static Book Load(Calendar calendar, Schedule schedule)
    {
        var book = new Book();
        foreach (var a in schedule.Assignments)
        {
            book.Add(ToBooking(calendar, a));
        }

        return book;
    }

    public static Booking ToBooking(Calendar calendar, Assignment a)
    {
        var request = calendar.Requests[a.RequestId];
        var start = calendar.Timeline.ToMinute(a.Start.ToInstant());
        var end = calendar.Timeline.ToMinute(a.End.ToInstant());
        var type = calendar.TypeOf(request);
        var pools = calendar.PoolsFor(type, a.FacilityId);
        return new Booking(a.RequestId, a.PatientId, a.ProviderId, a.RoomId, start, end, end + type.BufferMinutes,
            pools is null or { Count: 0 } ? null : [.. pools.Select(p => p.Id)]);
    }

    private static void CheckResource(List<ValidationError> errors, string path, string kind, string? id, bool booked, Func<string, bool> known)
    {
        if (booked && id is null)
        {
            errors.Add(new(path, $"its appointment type books a {kind}, but none is named"));
        }
        else if (!booked && id is not null)
        {
            errors.Add(new(path, $"its appointment type books no {kind}"));
        }
        else if (id is not null && !known(id))
        {
            errors.Add(new(path, $"unknown {kind} '{id}'"));
        }
    }
}
