namespace MedCoord.Scheduling.Validation;

/// <summary>One problem with the input: where it is (a JSON path such as <c>requests[3].type</c>) and what is wrong.</summary>
/// <param name="Path">JSON path of the offending value.</param>
/// <param name="Message">What is wrong and what is allowed.</param>
public sealed record ValidationError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// Thrown when input is bad: carries every error found, each with its path (a JSON path into a file or record, or the
/// name of a call argument), not just the first. An <see cref="ArgumentException"/>, so callers that catch that keep
/// working. Its message names paths and, at most, opaque ids: never patient data.
/// </summary>
public class ValidationException : ArgumentException
{
    /// <summary>Creates the exception from the errors found in one input.</summary>
    /// <param name="errors">At least one error.</param>
    /// <param name="input">What was read, for the message: "problem", "claim 'C-1'", …</param>
    public ValidationException(IReadOnlyList<ValidationError> errors, string input)
        : this(errors, input, null)
    {
    }

    /// <summary>Creates the exception from the errors found in one call argument.</summary>
    /// <param name="errors">At least one error.</param>
    /// <param name="input">What was read, for the message.</param>
    /// <param name="paramName">The argument that holds the bad input, when it is one; null otherwise.</param>
    public ValidationException(IReadOnlyList<ValidationError> errors, string input, string? paramName)
        : base(BuildMessage(errors, input), paramName)
    {
        Errors = errors;
        Input = input;
    }

    /// <summary>Gets every error found.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>Gets what was read: "problem", "claim 'C-1'", ….</summary>
    public string Input { get; }

    /// <summary>Gets the message: every error, without the parameter name <see cref="ArgumentException"/> would append.</summary>
    public override string Message => BuildMessage(Errors, Input);

    /// <summary>Throws when there is any error.</summary>
    /// <param name="errors">The errors found.</param>
    /// <param name="input">What was read, for the message.</param>
    /// <param name="paramName">The argument that holds the bad input, when it is one.</param>
    /// <exception cref="ValidationException">There is at least one error.</exception>
    public static void ThrowIfAny(IReadOnlyList<ValidationError> errors, string input, string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count > 0)
        {
            throw new ValidationException(errors, input, paramName);
        }
    }

    private static string BuildMessage(IReadOnlyList<ValidationError> errors, string input)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 1
            ? $"The {input} is invalid: {errors[0]}"
            : $"The {input} is invalid ({errors.Count} errors):{Environment.NewLine}{string.Join(Environment.NewLine, errors)}";
    }
}

/// <summary>Thrown when a scheduling problem (or a book or schedule read with it) is bad input; carries every error found.</summary>
public sealed class ProblemValidationException : ValidationException
{
    /// <summary>Creates the exception from the errors found.</summary>
    /// <param name="errors">At least one error.</param>
    public ProblemValidationException(IReadOnlyList<ValidationError> errors)
        : this(errors, "problem")
    {
    }

    /// <summary>Creates the exception from the errors found in one input.</summary>
    /// <param name="errors">At least one error.</param>
    /// <param name="input">What was read, for the message: "problem", "book", …</param>
    public ProblemValidationException(IReadOnlyList<ValidationError> errors, string input)
        : base(errors, input)
    {
    }
}
