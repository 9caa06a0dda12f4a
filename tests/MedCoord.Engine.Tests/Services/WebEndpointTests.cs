using System.Net;
using System.Net.Http.Json;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Tests.Storage;
using MedCoord.Engine.Visits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Services;

/// <summary>
/// The engine inside an ASP.NET Core host, as a web service embeds it: services injected into minimal-API endpoints,
/// awaited with the request's cancellation token, over the SQLite store.
/// </summary>
public sealed class WebEndpointTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"medcoord-web-{Guid.NewGuid():N}.db");
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 12, 7, 15, 0));
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<IClock>(_clock).AddMedCoordEngine(o => o.DatabasePath = _path);
        _app = builder.Build();
        _app.MapPost("/visits/{id}/arrive", async (string id, VisitService visits, CancellationToken cancellationToken) =>
        {
            try
            {
                var visit = await visits.ArriveAsync(id, "desk-1", cancellationToken);
                return Microsoft.AspNetCore.Http.Results.Ok(visit.Status.ToString());
            }
            catch (Exception e) when (e is StoreConcurrencyException or TransitionException)
            {
                // Someone moved it first: the client reads it again.
                return Microsoft.AspNetCore.Http.Results.Conflict();
            }
        });
        _app.MapGet("/worklist/late-visits", async (WorklistService worklist, CancellationToken cancellationToken) =>
            TypedResults.Ok((await worklist.GetAsync("coord-1", cancellationToken)).Visits.Select(v => v.VisitId).Order(StringComparer.Ordinal).ToArray()));
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        File.Delete(_path);
    }

    [Fact]
    public async Task Endpoints_ManyRequestsAtOnce_EachVisitArrivesOnceAndTheWorklistSeesTheRest()
    {
        var engine = _app.Services.GetRequiredService<CoordinationEngine>();
        var ids = Enumerable.Range(1, 24).Select(i => $"v{i:D2}").ToArray();
        foreach (var id in ids)
        {
            engine.Store.Commit([StoreChange.Of(id, new Visit(id, "pat-1", "follow-up", _clock.GetCurrentInstant() - Duration.FromHours(1), VisitStatus.Booked, []), 0, "scheduler", "Visit.Booked")]);
        }

        // Every visit but the last four is posted twice at once: one request moves it, the other finds it moved
        // (a version conflict, or a refused second arrival: 409 either way, never two moves).
        var posts = ids[..20].SelectMany(id => new[] { id, id }).Select(async id => (id, await _client.PostAsync(new Uri($"/visits/{id}/arrive", UriKind.Relative), null)));
        var answers = await Task.WhenAll(posts);

        Assert.All(ids[..20], id => Assert.Equal(1, answers.Count(a => a.id == id && a.Item2.StatusCode == HttpStatusCode.OK)));
        Assert.All(ids[..20], id => Assert.Equal(1, answers.Count(a => a.id == id && a.Item2.StatusCode == HttpStatusCode.Conflict)));
        Assert.All(ids[..20], id => Assert.Equal(VisitStatus.Arrived, engine.Store.Find<Visit>(id)!.Value.Status));
        var late = await _client.GetFromJsonAsync<string[]>(new Uri("/worklist/late-visits", UriKind.Relative));
        Assert.Equal(ids[20..], late);
        Assert.True(engine.Store.VerifyAudit().Intact);
    }

    [Fact]
    public async Task Endpoint_RequestCancelledBeforeTheEngineRuns_SavesNothing()
    {
        var engine = _app.Services.GetRequiredService<CoordinationEngine>();
        engine.Store.Commit([StoreChange.Of("v1", new Visit("v1", "pat-1", "follow-up", _clock.GetCurrentInstant(), VisitStatus.Booked, []), 0, "scheduler", "Visit.Booked")]);
        var trail = engine.Store.AuditTrail().Count;
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _client.PostAsync(new Uri("/visits/v1/arrive", UriKind.Relative), null, cancelled.Token));

        Assert.Equal(VisitStatus.Booked, engine.Store.Find<Visit>("v1")!.Value.Status);
        Assert.Equal(trail, engine.Store.AuditTrail().Count);
    }
}
