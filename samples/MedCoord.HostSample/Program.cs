// A host application embedding MedCoord: the scheduler and the care-coordination engine registered through
// Microsoft.Extensions.DependencyInjection, their options validated when the host starts.
//
//   dotnet run --project samples/MedCoord.HostSample -- [engine.db]
//
// With a file name the engine keeps its records in that SQLite file (created or migrated on start); without one, in memory.
// MEDCOORD_DATA_KEY (records encrypted at rest) and MEDCOORD_AUDIT_KEY (the audit chain's HMAC), each 32 bytes in base64,
// are read from the environment when set; without them records are stored in clear and the chain is not keyed.
using MedCoord.Engine;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Solving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton<IClock>(SystemClock.Instance);
builder.Services.AddMedCoordScheduling(o => o.TimeLimit = TimeSpan.FromSeconds(5));
builder.Services.AddMedCoordEngine(o =>
{
    o.DatabasePath = args.FirstOrDefault();
    o.DataKey = Environment.GetEnvironmentVariable("MEDCOORD_DATA_KEY") is { Length: > 0 } dataKey ? EngineKey.FromBase64(dataKey) : null;
    o.AuditKey = Environment.GetEnvironmentVariable("MEDCOORD_AUDIT_KEY") is { Length: > 0 } auditKey ? EngineKey.FromBase64(auditKey) : null;
    o.ClinicZone = "Europe/Dublin";
    o.Forms["physio"] = new FormRequirements(IntakeQuestionnaire: true, ConsentScope: "treatment");
});

using var host = builder.Build();
await host.StartAsync();

var engine = host.Services.GetRequiredService<CoordinationEngine>();
var scheduler = host.Services.GetRequiredService<IAppointmentScheduler>();

// A physiotherapy plan: six weekly sessions' first one due within the fortnight.
var today = engine.Today;
var planId = $"plan-{Guid.NewGuid():N}"[..13];
await engine.CarePlans.CreateAsync(planId, "pat-1", [new CarePlanGoal("g1", "walk 2 km")],
    [new CareActivity("physio", ActivityKind.Recurring, "physio", 3, Every: Period.FromWeeks(1), ToleranceDays: 2, FirstDue: today.PlusDays(3))], "coord-1");
await engine.CarePlans.ChangeAsync(planId, (plan, clock) => CarePlanLifecycle.SetStatus(plan, CarePlanStatus.Active, "coord-1", clock), "coord-1");

var horizon = new DateInterval(today, today.PlusDays(13));
var due = await engine.CarePlans.DueRequestsAsync(horizon, "coord-1");
var dublin = DateTimeZoneProviders.Tzdb["Europe/Dublin"];
IsoDayOfWeek[] weekdays = [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday];
var problem = new Problem(horizon,
    [new Facility("clinic", dublin, [new WeeklyHours(weekdays, new LocalTime(8, 0), new LocalTime(18, 0))])],
    [new Room("gym", "clinic", ["gym"], [], Capacity: 2)],
    [new Provider("pt-murphy", ["physio"], [new ProviderAvailability("clinic", new WeeklyHours(weekdays, new LocalTime(9, 0), new LocalTime(13, 0)))], [])],
    [new Patient("pat-1", null, null, [])],
    [new AppointmentType("physio", 45, "physio", ["gym"])],
    [.. due.Select(d => d.Request)],
    []);
var schedule = scheduler.Solve(problem);
var visits = await engine.Visits.BookAsync(problem, schedule, "scheduler");

foreach (var a in schedule.Assignments)
{
    Console.WriteLine($"booked {a.RequestId} with {a.ProviderId} in {a.RoomId} at {a.Start:uuuu-MM-dd HH:mm}");
}

Console.WriteLine($"{visits.Count} visit(s), {(await engine.Outbox.DueMessagesAsync("outbox")).Count} message(s) due now, worklist: {(await engine.Worklist.GetAsync("coord-1")).CareActivities.Count} overdue activities");
var audit = await engine.Records.VerifyAuditAsync();
Console.WriteLine($"audit trail: {audit.Entries} entries, intact: {audit.Intact}");
await host.StopAsync();
