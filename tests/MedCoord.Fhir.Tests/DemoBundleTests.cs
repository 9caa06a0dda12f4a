using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MedCoord.Cli;
using Xunit;

namespace MedCoord.Fhir.Tests;

/// <summary>
/// The console's <c>medcoord demo</c> database, exported by <c>medcoord fhir engine</c> (run in process, as a user runs
/// it): the bundle read back from its file validates against the base R4 profiles with no errors, with and without
/// the appointment types that give visits their end.
/// </summary>
public sealed class DemoBundleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-fhir-demo-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static async Task<(int Code, string Err)> Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await SolverCommandLine.RunAsync(args, stdout, stderr);
        return (code, stderr.ToString());
    }

    [Fact]
    public async System.Threading.Tasks.Task FhirEngine_OfTheDemoDatabase_ValidatesWithNoErrors()
    {
        var (db, plain, timed, problem) = (Path.Combine(_dir, "demo.db"), Path.Combine(_dir, "plain.json"), Path.Combine(_dir, "timed.json"), Path.Combine(_dir, "types.json"));
        await File.WriteAllTextAsync(problem, DemoTypes);

        Assert.Equal(0, (await Run("demo", "--db", db, "--data-key-file", Key("data"), "--audit-key-file", Key("audit"))).Code);
        Assert.Equal((0, string.Empty), await Run("fhir", "engine", "--db", db, "--out", plain, "--data-key-file", Key("data"), "--audit-key-file", Key("audit")));
        Assert.Equal((0, string.Empty), await Run("fhir", "engine", "--db", db, "--out", timed, "--problem", problem, "--data-key-file", Key("data"), "--audit-key-file", Key("audit")));

        var json = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);
        foreach (var path in new[] { plain, timed })
        {
            var bundle = JsonSerializer.Deserialize<Bundle>(await File.ReadAllTextAsync(path), json)!;
            var errors = FhirValidation.Errors(bundle);

            Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
            Assert.Contains(bundle.Entry, e => e.Resource is Claim);
            Assert.Contains(bundle.Entry, e => e.Resource is AuditEvent);
        }

        var appointments = JsonSerializer.Deserialize<Bundle>(await File.ReadAllTextAsync(timed), json)!.Entry.Select(e => e.Resource).OfType<Appointment>().ToList();
        Assert.NotEmpty(appointments);
        Assert.All(appointments, a => Assert.Equal(a.Start!.Value.AddMinutes(a.MinutesDuration!.Value), a.End));
    }

    private string Key(string name)
    {
        var path = Path.Combine(_dir, name + ".key");
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        }

        return path;
    }

    /// <summary>A problem file holding the demo clinic's appointment types (one request, so that it is a valid problem).</summary>
    private const string DemoTypes = """
        {
          "formatVersion": 1,
          "horizon": {
            "start": "2026-12-07",
            "end": "2026-12-11"
          },
          "facilities": [
            {
              "id": "clinic",
              "timeZone": "America/Denver",
              "hours": [
                {
                  "days": [
                    "Mon",
                    "Tue",
                    "Wed",
                    "Thu",
                    "Fri"
                  ],
                  "from": "08:00",
                  "to": "17:00"
                }
              ]
            }
          ],
          "rooms": [
            {
              "id": "exam-1",
              "facility": "clinic",
              "features": [
                "exam",
                "lab"
              ]
            }
          ],
          "providers": [
            {
              "id": "dr-lopez",
              "skills": [
                "primary-care",
                "optometry",
                "ophthalmology"
              ],
              "availability": [
                {
                  "facility": "clinic",
                  "days": [
                    "Mon",
                    "Tue",
                    "Wed",
                    "Thu",
                    "Fri"
                  ],
                  "from": "08:00",
                  "to": "17:00"
                }
              ]
            }
          ],
          "patients": [
            {
              "id": "pat-a"
            }
          ],
          "appointmentTypes": [
            {
              "id": "lab-draw",
              "durationMinutes": 15,
              "roomFeatures": [
                "lab"
              ]
            },
            {
              "id": "new-patient",
              "durationMinutes": 40,
              "providerSkill": "primary-care",
              "roomFeatures": [
                "exam"
              ],
              "bufferMinutes": 5
            },
            {
              "id": "follow-up",
              "durationMinutes": 20,
              "providerSkill": "primary-care",
              "roomFeatures": [
                "exam"
              ],
              "bufferMinutes": 5
            },
            {
              "id": "eye-exam",
              "durationMinutes": 30,
              "providerSkill": "optometry",
              "roomFeatures": [
                "exam"
              ]
            },
            {
              "id": "retinal-screen",
              "durationMinutes": 20,
              "providerSkill": "ophthalmology",
              "roomFeatures": [
                "exam"
              ]
            }
          ],
          "requests": [
            {
              "id": "r1",
              "patient": "pat-a",
              "type": "lab-draw",
              "earliest": "2026-12-07",
              "latest": "2026-12-09",
              "priority": 1
            }
          ]
        }
        """;
}
