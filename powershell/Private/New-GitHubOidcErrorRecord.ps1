function New-GitHubOidcErrorRecord {
    <#
        .SYNOPSIS
        Turns an exception from the native layer into an ErrorRecord with a stable ErrorId.

        .DESCRIPTION
        ErrorId is 'GitHubOidc.<Kind>' (GitHubOidc.NotFound, GitHubOidc.Forbidden, ...). The message
        is the native message, which already holds GitHub's message, the documentation URL and,
        for 401/403, the permission the endpoint needs. Any other exception becomes
        GitHubOidc.Internal (or GitHubOidc.InvalidArgument for argument exceptions). With -Message
        instead of -Exception it makes the record for a problem the script layer found itself
        (GitHubOidc.<Kind>, InvalidArgument by default). Every error record of the module is made here.
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute(
        'PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'Creates an in-memory ErrorRecord; it changes no state.'
    )]
    [CmdletBinding(DefaultParameterSetName = 'Exception')]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        # The exception, as caught (wrappers such as MethodInvocationException are unwrapped).
        [Parameter(Mandatory, ParameterSetName = 'Exception')]
        [System.Exception] $Exception,

        # A problem found by the script layer: the message (never holding a token).
        [Parameter(Mandatory, ParameterSetName = 'Message')]
        [string] $Message,

        # With -Message: the ErrorId suffix.
        [Parameter(ParameterSetName = 'Message')]
        [string] $Kind = 'InvalidArgument',

        # With -Message: the category (InvalidArgument by default).
        [Parameter(ParameterSetName = 'Message')]
        [System.Management.Automation.ErrorCategory] $Category = [System.Management.Automation.ErrorCategory]::InvalidArgument,

        # With -Message: what to do about it.
        [Parameter(ParameterSetName = 'Message')]
        [string] $RecommendedAction,

        # What the operation was about: 'owner/repo', the owner, or the host name.
        [Parameter()]
        [AllowNull()]
        [object] $TargetObject,

        # Texts that must never appear in the record (tokens), replaced by '[REDACTED]' like every token shape.
        [Parameter()]
        [AllowNull()]
        [AllowEmptyCollection()]
        [string[]] $Secret
    )

    # Every text of the record goes through the one redaction (Rust, ghoidc_redact): token shapes
    # and the request's own secrets, wherever they came from (user input echoed in a message,
    # a target such as 'owner/repo' typed by the user).
    $secrets = [string[]]@($Secret | Where-Object { $_ })
    if ($TargetObject -is [string]) {
        $TargetObject = [GitHubOidc.Native.NativeClient]::Redact($TargetObject, $secrets)
    }

    if ($PSCmdlet.ParameterSetName -eq 'Message') {
        $Message = [GitHubOidc.Native.NativeClient]::Redact($Message, $secrets)
        if ($RecommendedAction) {
            $RecommendedAction = [GitHubOidc.Native.NativeClient]::Redact($RecommendedAction, $secrets)
        }
        $record = [System.Management.Automation.ErrorRecord]::new(
            [System.ArgumentException]::new($Message), "GitHubOidc.$Kind", $Category, $TargetObject)
        $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($Message)
        if ($RecommendedAction) {
            $record.ErrorDetails.RecommendedAction = $RecommendedAction
        }
        return $record
    }

    $inner = $Exception
    while ($inner -isnot [GitHubOidc.Native.GitHubOidcException] -and $null -ne $inner.InnerException) {
        $inner = $inner.InnerException
    }

    $recommended = $null
    if ($inner -is [GitHubOidc.Native.GitHubOidcException]) {
        $kind = $inner.Kind
        $message = $inner.Message
        $category = switch ($kind) {
            'NotFound' { [System.Management.Automation.ErrorCategory]::ObjectNotFound }
            'Unauthorized' { [System.Management.Automation.ErrorCategory]::AuthenticationError }
            'Forbidden' { [System.Management.Automation.ErrorCategory]::PermissionDenied }
            'ValidationFailed' { [System.Management.Automation.ErrorCategory]::InvalidData }
            'RateLimited' { [System.Management.Automation.ErrorCategory]::LimitsExceeded }
            'ServerError' { [System.Management.Automation.ErrorCategory]::ResourceUnavailable }
            'Network' { [System.Management.Automation.ErrorCategory]::ConnectionError }
            'InvalidArgument' { [System.Management.Automation.ErrorCategory]::InvalidArgument }
            'UnexpectedResponse' { [System.Management.Automation.ErrorCategory]::InvalidResult }
            'Conflict' { [System.Management.Automation.ErrorCategory]::InvalidOperation }
            default { [System.Management.Automation.ErrorCategory]::NotSpecified }
        }
        $recommended = switch ($kind) {
            'NotFound' { 'Check the owner and repository names, and that the token can see them (GitHub answers 404 to hide what it may not see).' }
            'Unauthorized' { 'Provide a valid token: -Context @{ Token = ... }, GH_TOKEN or GITHUB_TOKEN, or run ''gh auth login''.' }
            'Forbidden' {
                if ($inner.RequiredPermission) {
                    "Use a token with $($inner.RequiredPermission)."
                } else {
                    'Use a token with the permission the endpoint needs (Get-Help Set-GitHubOidcSubjectClaim -Full, NOTES).'
                }
            }
            'ValidationFailed' { 'Check the claim keys: Get-GitHubOidcClaim lists the keys this instance supports.' }
            'RateLimited' { 'Wait for the rate limit to reset, or allow longer waits with -Context @{ MaxRetries = N; MaxRetryWaitSec = S }.' }
            'ServerError' { 'GitHub had a problem; try again later. Transient failures were already retried.' }
            'Network' { 'Check the host name, the network, and the HTTPS_PROXY / NO_PROXY settings.' }
            'Conflict' {
                'The settings changed on GitHub after the request was shown for approval, and nothing was sent. ' +
                'Run the command again to review the request for the current state.'
            }
        }
    } else {
        $message = $inner.Message
        if ($inner -is [System.ArgumentException]) {
            $kind = 'InvalidArgument'
            $category = [System.Management.Automation.ErrorCategory]::InvalidArgument
        } else {
            $kind = 'Internal'
            $category = [System.Management.Automation.ErrorCategory]::NotSpecified
        }
    }

    $exception = $inner
    $redacted = [GitHubOidc.Native.NativeClient]::Redact($message, $secrets)
    if ($redacted -ne $message) {
        # Defence in depth (the native layer redacts its own messages): do not keep the original
        # exception, whose Message would still hold the secret.
        $message = $redacted
        $exception = [System.InvalidOperationException]::new($message)
    }

    $record = [System.Management.Automation.ErrorRecord]::new($exception, "GitHubOidc.$kind", $category, $TargetObject)
    $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($message)
    if ($recommended) {
        $record.ErrorDetails.RecommendedAction = $recommended
    }
    $record
}
