using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using NodaTime;
using System.Globalization;

namespace MedCoord.Scheduling.Verification;

/// <summary>
/// A classic job-shop instance as a scheduling problem: machine k is a room with feature mKK, job j a patient, each
/// operation a request of that room's type chained to the job's previous operation with gap 0; one facility in
/// Etc/UTC open on one day from 00:00 for the given number of minutes.
/// </summary>
public static class JobShop
{
    public static Problem Load(string path, int openMinutes)
    {
        var lines = File.ReadAllLines(path).Where(l => !l.TrimStart().StartsWith('#') && l.Trim().Length > 0).ToList();
        var header = Numbers(lines[0]);
        var (jobs, machines) = (header[0], header[1]);
        var day = new LocalDate(2026, 1, 5);
        var close = openMinutes == 1440 ? LocalTime.Midnight : LocalTime.FromMinutesSinceMidnight(openMinutes);
        var facility = new Facility("shop", DateTimeZone.Utc, [new WeeklyHours([day.DayOfWeek], LocalTime.Midnight, close)]);
        var rooms = Enumerable.Range(0, machines).Select(m => new Room($"machine-{m:00}", "shop", [$"m{m:00}"], [])).ToList();
        var patients = Enumerable.Range(0, jobs).Select(j => new Patient($"job-{j:00}", null, null, [])).ToList();
        var types = new List<AppointmentType>();
        var requests = new List<AppointmentRequest>();
        for (var j = 0; j < jobs; j++)
        {
            var ops = Numbers(lines[1 + j]);
            for (var o = 0; o < ops.Length / 2; o++)
            {
                var (machine, minutes) = (ops[2 * o], ops[(2 * o) + 1]);
                var typeId = $"op-{j:00}-{o:00}";
                types.Add(new AppointmentType(typeId, Math.Max(1, minutes), null, [$"m{machine:00}"]));
                requests.Add(new AppointmentRequest(typeId, $"job-{j:00}", typeId, After: o == 0 ? null : [new RequestLink($"op-{j:00}-{o - 1:00}")]));
            }
        }

        return new Problem(new DateInterval(day, day), [facility], rooms, [], patients, types, requests, []);
    }

    private static int[] Numbers(string line) =>
        [.. line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
}
