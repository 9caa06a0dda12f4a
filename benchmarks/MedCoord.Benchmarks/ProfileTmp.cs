using System.Diagnostics;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;
namespace MedCoord.Benchmarks;
public static class ProfileTmp
{
    public static int Run(int n)
    {
        var p = ClinicGenerator.Create(1, n);
        var sw = Stopwatch.StartNew();
        var cal = new Calendar(p); Console.WriteLine($"calendar {sw.ElapsedMilliseconds}"); sw.Restart();
        var c = RequestCandidates.Build(cal); Console.WriteLine($"candidates {sw.ElapsedMilliseconds}"); sw.Restart();
        var ff = FirstFitHeuristic.Place(c); Console.WriteLine($"firstfit {sw.ElapsedMilliseconds} placed {ff.Placements.Count}"); sw.Restart();
        var m = new ScheduleModel(c); Console.WriteLine($"model {sw.ElapsedMilliseconds}"); sw.Restart();
        Console.WriteLine($"providers/request avg {c.Where(x=>x.CanBeScheduled).Average(x=>x.Facilities.Sum(f=>f.Providers.Count))} rooms avg {c.Where(x=>x.CanBeScheduled).Average(x=>x.Facilities.Sum(f=>f.Rooms.Count))} days avg {c.Where(x=>x.CanBeScheduled).Average(x=>x.Facilities.Sum(f=>f.Days.Count))} fac avg {c.Where(x=>x.CanBeScheduled).Average(x=>x.Facilities.Count)}");
        Console.WriteLine($"mem {Process.GetCurrentProcess().PeakWorkingSet64/1e6} MB");
        return 0;
    }
}
public static class ProfileBound
{
    public static int Run(int n)
    {
        var p = ClinicGenerator.Create(1, n);
        var cal = new Calendar(p);
        var c = RequestCandidates.Build(cal);
        var sw = Stopwatch.StartNew();
        var b = CapacityBound.Compute(cal, c, TimeSpan.FromSeconds(60));
        Console.WriteLine($"bound {b} in {sw.ElapsedMilliseconds} ms; max {c.Where(x=>x.CanBeScheduled).Sum(x=>x.Request.Priority)}; mem {Process.GetCurrentProcess().PeakWorkingSet64/1e6} MB");
        return 0;
    }
}
